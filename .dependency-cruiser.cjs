// The layering of DESIGN.md, checked in CI (`npm run lint:deps`): each layer calls only the ones below it.
//   entry points   commands/ jobs/ cli/ src/main.ts src/http/api*   (parse -> operate() -> render -> publish)
//   publish        src/publish/                                     (chat adapter + renderers)
//   render         src/render/                                      (report -> Block Kit / text; pure)
//   pipeline       src/operate/                                     (authorize, limit, lock, record, audit)
//   capabilities   src/<capability>/                                (input + narrow deps -> report)
//   adapters       src/store coord targets github mail slack http ... (passed in through Deps)
const CAPABILITIES =
  '^src/(smoke|seed|backup|drill|access|posture|alerts|approvals|uptime|maintenance|retention|change-control|evidence|home|audit)/';
const ENTRY = '^(commands|jobs|cli)/|^src/main\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles, type-only ones included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'capability-stays-below',
      severity: 'error',
      comment:
        'Capabilities return reports: no Slack, rendering, publishing, CLI, entry points or pipeline, not even types.',
      from: { path: CAPABILITIES },
      to: { path: ['^src/(render|publish|slack|operate)/', ENTRY, '^src/wiring\\.ts$', '^node_modules/@slack/'] },
    },
    {
      name: 'render-is-pure',
      severity: 'error',
      comment: "Renderers are functions of reports: they may import a capability's types, never its functions.",
      from: { path: '^src/render/' },
      to: {
        path: [CAPABILITIES, '^src/(store|coord|targets|github|mail|http|operate|publish)/'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'render-never-calls-up',
      severity: 'error',
      from: { path: '^src/render/' },
      to: { path: ['^src/(publish|operate)/', ENTRY, '^src/wiring\\.ts$'] },
    },
    {
      name: 'publish-below-entry-points',
      severity: 'error',
      from: { path: '^src/publish/' },
      to: { path: [ENTRY, '^src/wiring\\.ts$'] },
    },
    {
      name: 'pipeline-below-entry-points',
      severity: 'error',
      from: { path: '^src/operate/' },
      to: { path: ['^src/(render|publish)/', ENTRY, '^src/wiring\\.ts$', '^node_modules/@slack/'] },
    },
    {
      name: 'adapters-at-the-bottom',
      severity: 'error',
      comment: 'Adapters know nothing of capabilities, the pipeline, rendering or entry points.',
      from: { path: '^src/(store|coord|targets|github|mail)/' },
      to: { path: [CAPABILITIES, '^src/(render|publish|operate)/', ENTRY, '^src/wiring\\.ts$'] },
    },
    {
      name: 'entry-points-do-not-import-each-other',
      severity: 'error',
      comment: 'commands/, jobs/ and cli/ share code through src/, never through one another (main wires them).',
      from: { path: '^(commands|jobs|cli)/' },
      to: { path: '^(commands|jobs|cli)/', pathNot: '^$1/' },
    },
    {
      name: 'wiring-only-from-entry-points',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/main\\.ts$', '^src/wiring\\.ts$'] },
      to: { path: ['^src/wiring\\.ts$', '^src/main\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    exclude: { path: '^(dist|test|bench)/' },
  },
};
