// Password-reset links: issued by an owner or admin, opened at /reset-password#<token> (the token travels in
// bodies only).
import type {
  CreatedPasswordReset,
  PasswordResetInfo,
  PasswordResetLookupBody,
  UsePasswordResetBody,
} from '@server/contract/password-resets';
import { call, path } from './client';

export const issuePasswordReset = (userId: string) =>
  call<CreatedPasswordReset>('POST', path`/api/users/${userId}/password-reset`, { body: {} });
export const lookUpPasswordReset = (body: PasswordResetLookupBody) =>
  call<PasswordResetInfo>('POST', '/api/password-resets/lookup', { body });
/** Sets the new password; the user signs in with it afterwards. */
export const usePasswordReset = (body: UsePasswordResetBody) => call<void>('POST', '/api/password-resets/use', { body });
