// An object-lock front for s3rver, which has no object lock of its own: enough for opsbot's lock check to pass and
// for a test to see what opsbot sent (lock mode, retain-until date, checksum) and whether it tried to delete.
import { createHash } from 'node:crypto';
import { createServer, request } from 'node:http';
import { freePort } from './process.js';
import type { S3Server } from './s3-server.js';

export interface LockFront {
  endpoint: string;
  /** Every write (PUT, POST) and removal (DELETE) that went through, with its object-lock and checksum headers. */
  requests: { method: string; key: string; mode?: string; retainUntil?: string; checksumOk?: boolean }[];
  stop(): Promise<void>;
}

/**
 * s3rver has no object lock. This front answers GetObjectLockConfiguration with "Enabled" and passes the rest to
 * s3rver, recording each write's lock headers and checking the sha256 trailer of aws-chunked bodies (which it
 * unwraps, as S3 does, since s3rver would store the framing).
 */
export async function objectLockFront(s3: S3Server): Promise<LockFront> {
  const target = new URL(s3.endpoint);
  const requests: LockFront['requests'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://front');
      if (req.method === 'GET' && url.searchParams.has('object-lock')) {
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?><ObjectLockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
            '<ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>',
        );
        return;
      }
      let body = Buffer.concat(chunks);
      const headers = { ...req.headers };
      let checksumOk: boolean | undefined;
      if (String(headers['content-encoding'] ?? '').includes('aws-chunked')) {
        const parts: Buffer[] = [];
        let at = 0;
        for (;;) {
          const eol = body.indexOf('\r\n', at);
          const size = Number.parseInt(body.subarray(at, eol).toString().split(';')[0]!, 16);
          at = eol + 2;
          if (!size) break;
          parts.push(body.subarray(at, at + size));
          at += size + 2;
        }
        const trailer = body.subarray(at).toString();
        const data = Buffer.concat(parts);
        const sent = /x-amz-checksum-sha256:([A-Za-z0-9+/=]+)/.exec(trailer)?.[1];
        checksumOk = sent === createHash('sha256').update(data).digest('base64');
        body = data;
        delete headers['content-encoding'];
        delete headers['x-amz-decoded-content-length'];
        delete headers['x-amz-trailer'];
        headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      } else if (headers['x-amz-checksum-sha256']) {
        checksumOk = headers['x-amz-checksum-sha256'] === createHash('sha256').update(body).digest('base64');
      }
      headers['content-length'] = String(body.length);
      if (req.method !== 'GET' && req.method !== 'HEAD')
        requests.push({
          method: req.method!,
          key: decodeURIComponent(url.pathname.slice(`/${s3.bucket}/`.length)),
          mode: headers['x-amz-object-lock-mode'] as string | undefined,
          retainUntil: headers['x-amz-object-lock-retain-until-date'] as string | undefined,
          checksumOk,
        });
      const forward = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
