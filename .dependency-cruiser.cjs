// `npm run deps`: the import rules the architecture depends on (README, "Architecture"). Each rule says
// which way imports may run and why; a violation fails CI. Type-only imports count: a type that comes from
// the wrong layer ties the two together just as well.
const path = require('node:path');

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'services-not-http',
      comment:
        'Services hold the business rules and throw DomainError (server/errors.ts); HTTP statuses, replies and ' +
        'Fastify plumbing belong to the edge (server/http, server/routes), which maps domain errors to HTTP.',
      severity: 'error',
      from: { path: '^server/services/' },
      to: { path: '^server/http/' },
    },
    {
      name: 'routes-not-db',
      comment:
        'Routes validate, authorize, call a service and map to HTTP. The database (Prisma client, migrator, ' +
        'unit of work) is reached through services only, so every query sits beside the rules it serves.',
      severity: 'error',
      from: { path: '^server/routes/' },
      to: { path: '^server/db/' },
    },
    {
      name: 'frame-no-node',
      comment:
        "server/frame is Frame's protocol as pure code shared with the SPA (web/ imports it through @frame): " +
        "a node:* import would break the browser build. Node's crypto lives in server/crypto.",
      severity: 'error',
      from: { path: '^server/frame/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'frame-self-contained',
      comment:
        'server/frame depends on nothing else in the server (it is the bottom layer, shared with the SPA); ' +
        'only typebox, which is browser-safe, may come from outside.',
      severity: 'error',
      from: { path: '^server/frame/' },
      to: { pathNot: ['^server/frame/', '^node_modules/typebox/'] },
    },
    {
      name: 'contract-browser-safe',
      comment:
        "server/contract is the API's one description (schemas, error codes, permissions) that the routes, " +
        'OpenAPI and the SPA all derive from: it may use typebox and Frame facts from server/frame, nothing else.',
      severity: 'error',
      from: { path: '^server/contract/' },
      to: { pathNot: ['^server/contract/', '^server/frame/', '^node_modules/typebox/'] },
    },
    {
      name: 'web-only-shared-server',
      comment:
        'The SPA may use the parts of server/ written to run in a browser: the API contract, the Frame ' +
        'protocol and the snippet generators. Anything else would pull Node code (or secrets) into the bundle.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^server/', pathNot: '^server/(contract|frame|snippets)/' },
    },
    {
      name: 'console-not-emulator',
      comment:
        'The built-in Frame emulator is a plugin the console can run beside itself, not a library: the console ' +
        'talks to it over HTTP like to Frame. Only the wiring that builds and mounts it may import it: ' +
        'app.ts (mounts the plugin), boot.ts (loads the signing key), services/container.ts (creates its ' +
        'registry and fault switch) and services/builtin-emulator.ts (links providers to its registry).',
      severity: 'error',
      from: {
        path: '^server/',
        pathNot: '^server/(emulator/|app\\.ts$|boot\\.ts$|services/container\\.ts$|services/builtin-emulator\\.ts$)',
      },
      to: { path: '^server/emulator/' },
    },
    {
      name: 'no-circular',
      comment:
        'A cycle of runtime imports makes load order matter (a value read before its module ran is undefined). ' +
        'Cycles closed only by `import type` are erased at compile time and left alone.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'resolvable',
      comment: 'An import the cruiser cannot resolve escapes every rule above (a new path alias, say): fix the config.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(server/db/generated|dist)/' },
    tsPreCompilationDeps: true,
    // web/tsconfig.json holds the SPA's path aliases (@frame, @server); the server has none. (An absolute
    // path: TypeScript finds no input files through a relative one here.)
    tsConfig: { fileName: path.join(__dirname, 'web', 'tsconfig.json') },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.vue', '.js', '.mjs', '.cjs', '.d.ts', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
