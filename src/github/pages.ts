// Every page of a GitHub list endpoint: the first page's Link header tells how many there are, and the rest are
// fetched in parallel, a bounded number at a time, instead of one after another as octokit.paginate does.
import type { Octokit } from '@octokit/rest';

/** GitHub's largest page. */
export const PER_PAGE = 100;
/** Under the throttling plugin's own limit of 10 requests in flight per process, which would only queue the rest. */
export const PAGE_CONCURRENCY = 8;

/** The number of the `rel="last"` page in a Link header; 1 when there is none (a single page). */
export function lastPageOf(link: string | undefined): number {
  const match = link?.match(/<([^>]+)>;\s*rel="last"/);
  if (!match?.[1]) return 1;
  const page = Number(new URL(match[1]).searchParams.get('page'));
  return Number.isInteger(page) && page > 1 ? page : 1;
}

/** fn over items with at most `limit` calls pending; results in the order of items. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Every item of route (a GET list endpoint such as `GET /orgs/{org}/members`) with params. */
export async function listAllPages<T>(
  octokit: Octokit,
  route: string,
  params: Record<string, unknown>,
  concurrency = PAGE_CONCURRENCY,
): Promise<T[]> {
  const fetchPage = (page: number) => octokit.request(route, { ...params, per_page: PER_PAGE, page });
  const first = await fetchPage(1);
  const last = lastPageOf(first.headers.link);
  const pages = Array.from({ length: last - 1 }, (_, i) => i + 2);
  const rest = await mapConcurrent(pages, concurrency, async (page) => (await fetchPage(page)).data as T[]);
  return [first.data as T[], ...rest].flat();
}
