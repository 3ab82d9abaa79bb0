/**
 * The simulator's fixed directory: demo workspaces (each pinned to one region) and demo people
 * with a role per workspace. Every simulator instance knows the whole directory, but serves only
 * the workspaces of its own `--region`; its identity provider signs people in for any of them.
 * Ids are fixed so tests, the demo and a replayed dataset agree.
 */
import type { Region, Role } from '../../shared/amigo';

export interface DemoWorkspace {
  id: string;
  slug: string;
  name: string;
  region: Region;
}

export interface DemoPerson {
  /** Stable subject (`sub`) and the entity id that audit events name as the actor. */
  sub: string;
  /** What the person types in the identity provider's login form. */
  login: string;
  name: string;
  email: string;
  memberships: ReadonlyArray<{ workspaceId: string; role: Role }>;
}

export const DEMO_WORKSPACES: readonly DemoWorkspace[] = [
  {
    id: '6f1c2a4e-8b0d-4c57-9e21-3a5b7c9d1e01',
    slug: 'riverbend-clinic',
    name: 'Riverbend Family Clinic',
    region: 'us-east-1',
  },
  {
    id: '0b9e7d5c-3a1f-4e2d-8c6b-5f4e3d2c1b02',
    slug: 'lindenhof-praxis',
    name: 'Lindenhof Praxis',
    region: 'eu-central-1',
  },
  {
    id: '2d4f6a8c-1e3b-4d5f-a7c9-8e0b2d4f6a03',
    slug: 'maple-harbour',
    name: 'Maple Harbour Health',
    region: 'ca-central-1',
  },
  {
    id: '9a7b5c3d-2e1f-4a0b-9c8d-7e6f5a4b3c04',
    slug: 'southern-cross',
    name: 'Southern Cross Medical',
    region: 'ap-southeast-2',
  },
];

const [riverbend, lindenhof, maple, southern] = DEMO_WORKSPACES.map((w) => w.id) as [string, string, string, string];

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  {
    sub: 'a1e0c3b2-7d4f-4a6e-8b9c-0d1e2f3a4b51',
    login: 'reviewer',
    name: 'Rita Reviewer',
    email: 'reviewer@demo.attest.invalid',
    memberships: [{ workspaceId: riverbend, role: 'member' }],
  },
  {
    sub: 'b2f1d4c3-8e5a-4b7f-9cad-1e2f3a4b5c62',
    login: 'auditor',
    name: 'Avery Auditor',
    email: 'auditor@demo.attest.invalid',
    memberships: [{ workspaceId: riverbend, role: 'viewer' }],
  },
  {
    sub: 'c3a2e5d4-9f6b-4c8a-8dbe-2f3a4b5c6d73',
    login: 'compliance',
    name: 'Carmen Compliance',
    email: 'compliance@demo.attest.invalid',
    memberships: [{ workspaceId: riverbend, role: 'admin' }],
  },
  {
    sub: 'd4b3f6e5-0a7c-4d9b-9ecf-3a4b5c6d7e84',
    login: 'dana',
    name: 'Dana Two-Regions',
    email: 'dana@demo.attest.invalid',
    memberships: [
      { workspaceId: riverbend, role: 'member' },
      { workspaceId: lindenhof, role: 'admin' },
    ],
  },
  {
    sub: 'e5c4a7f6-1b8d-4eac-8fd0-4b5c6d7e8f95',
    login: 'owner',
    name: 'Olu Owner',
    email: 'owner@demo.attest.invalid',
    memberships: [
      { workspaceId: riverbend, role: 'owner' },
      { workspaceId: lindenhof, role: 'owner' },
      { workspaceId: maple, role: 'owner' },
      { workspaceId: southern, role: 'owner' },
    ],
  },
];

/** Every demo password is this; the provider's dev login page is for demos and tests only. */
export const DEMO_PASSWORD = 'attest-demo';

export const workspaceById = (id: string): DemoWorkspace | undefined => DEMO_WORKSPACES.find((w) => w.id === id);
export const personByLogin = (login: string): DemoPerson | undefined => DEMO_PEOPLE.find((p) => p.login === login);
export const personBySub = (sub: string): DemoPerson | undefined => DEMO_PEOPLE.find((p) => p.sub === sub);
