// Invitations: sent by an admin, opened by the invitee at /invite#<token> (the token travels in bodies only).
import type { SessionView } from '@server/contract/auth';
import type { AcceptInviteBody, CreateInviteBody, CreatedInvite, InviteInfo, InviteLookupBody, InviteView } from '@server/contract/invites';
import { call, path } from './client';

export const listInvites = () => call<InviteView[]>('GET', '/api/users/invites');
export const createInvite = (body: CreateInviteBody) => call<CreatedInvite>('POST', '/api/users/invites', { body });
export const revokeInvite = (id: string) => call<InviteView>('POST', path`/api/users/invites/${id}/revoke`, { body: {} });
export const lookUpInvite = (body: InviteLookupBody) => call<InviteInfo>('POST', '/api/invites/lookup', { body });
/** Creates the invitee's account and signs them in. */
export const acceptInvite = (body: AcceptInviteBody) => call<SessionView>('POST', '/api/invites/accept', { body });
/** Voids a pending invitation's link and returns a new one for the same email, role and providers. */
export const reissueInvite = (id: string) => call<CreatedInvite>('POST', path`/api/users/invites/${id}/reissue`, { body: {} });
