// The console API's answer shapes: one definition, shared with the server.
export type { CredentialView, MintResult, ProviderView as Provider, SignedRequestInfo as SignedRequest } from '@server/api-types';
