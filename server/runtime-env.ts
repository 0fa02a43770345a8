// The environment the console's process starts with. `npm start` (package.json) and the container
// (Dockerfile ENV) set it, the tests and `npm run bench` start dist/console.js with it, and a unit test
// checks that package.json and the Dockerfile say the same as this list. It has to come from outside: the C
// library reads it when the process starts.
//
// MALLOC_ARENA_MAX=1: glibc gives threads other than the main one malloc arenas of their own (up to eight per
// core) and keeps what they free resident. Here two such arenas held 14 and 4.6 MB after start-up. With one
// arena, measured here over 5 restarts: idle RSS 121 → 106 MB, and RSS growth over a 10,000-token bulk
// job 45 → 36 MB; list, mint and bulk throughput did not change (the console's JavaScript runs on one
// thread).
export const CONSOLE_RUNTIME_ENV: Readonly<Record<string, string>> = Object.freeze({ MALLOC_ARENA_MAX: '1' });
