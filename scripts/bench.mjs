// `npm run bench`: not written yet. The benchmarks (console mint vs a direct signed call, list API vs bare
// Fastify, bulk wall time, cold start, idle RSS, SPA size) arrive with the production-readiness issue.
console.log('bench: no benchmarks yet; they come with the production-readiness issue (docs/benchmarks.md).');
