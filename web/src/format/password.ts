// What the server asks of a new password (server/auth/passwords.ts), said the same way by every form that sets
// one. The SPA imports the contract as types only, so the number is written here; test/web/password-rule checks
// it against the contract's MIN_PASSWORD_LENGTH.
export const PASSWORD_RULE = 'At least 12 characters; not a common password.';
