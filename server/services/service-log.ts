// The app's logger as services see it: pino's (fields, message) form, so Fastify's app.log fits as it is.
// Services log what no answer can carry (background work, a failure after the answer was decided); never a
// secret, a token or a password in the fields.
export interface ServiceLog {
  error(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** For tools that run without the app's logger (the CLI). */
export const NO_LOG: ServiceLog = { error: () => {}, warn: () => {} };
