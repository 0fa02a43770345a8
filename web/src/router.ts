import { createRouter, createWebHistory } from 'vue-router';
import type { Permission } from '@server/contract/permissions';
import ProvidersView from './views/ProvidersView.vue';

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
    /** The page is for roles with this permission (the server refuses the others' requests anyway). */
    permission?: Permission;
    /** The page this one sits under, for the breadcrumb (Providers › Demo provider › Playground). */
    parent?: string;
  }
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', redirect: '/providers' },
    { path: '/providers', component: ProvidersView, meta: { title: 'Providers' } },
    {
      path: '/providers/:id/playground',
      component: () => import('./views/PlaygroundView.vue'),
      props: true,
      meta: { title: 'Playground', parent: '/providers' },
    },
    {
      path: '/credentials',
      component: () => import('./views/CredentialsView.vue'),
      meta: { permission: 'credential:read', title: 'Credentials' },
    },
    { path: '/users', component: () => import('./views/UsersView.vue'), meta: { permission: 'user:read', title: 'Users' } },
    { path: '/api-keys', component: () => import('./views/ApiKeysView.vue'), meta: { permission: 'apikey:manage', title: 'API keys' } },
    {
      path: '/bulk-jobs',
      component: () => import('./views/BulkJobsView.vue'),
      meta: { permission: 'token:mint', title: 'Bulk jobs' },
    },
    { path: '/audit', component: () => import('./views/AuditView.vue'), meta: { permission: 'audit:read', title: 'Audit log' } },
    { path: '/invite', component: { render: () => null }, meta: { title: 'Invitation' } },
    { path: '/reset-password', component: { render: () => null }, meta: { title: 'Reset password' } },
    {
      path: '/transfer',
      component: () => import('./views/TransferView.vue'),
      meta: { permission: 'config:export', title: 'Import / export' },
    },
    { path: '/:rest(.*)*', redirect: '/providers' },
  ],
});

router.afterEach((to) => {
  document.title = `${String(to.meta.title ?? 'Console')} · sat-playground`;
});
