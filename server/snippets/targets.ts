// Every snippet language, in the order of the Playground's tabs: Frame's five first, then ours.
import type { SnippetRequest, SnippetTarget } from './request.js';
import { python } from './targets/python.js';
import { node } from './targets/node.js';
import { curl } from './targets/curl.js';
import { powershell } from './targets/powershell.js';
import { php } from './targets/php.js';
import { go } from './targets/go.js';
import { java } from './targets/java.js';
import { csharp } from './targets/csharp.js';
import { ruby } from './targets/ruby.js';
import { typescript } from './targets/typescript.js';

export const SNIPPET_TARGETS = [
  python,
  node,
  curl,
  powershell,
  php,
  go,
  java,
  csharp,
  ruby,
  typescript,
] as const satisfies readonly SnippetTarget[];
export type SnippetTargetId = (typeof SNIPPET_TARGETS)[number]['id'];

export function renderSnippet(id: SnippetTargetId, request: SnippetRequest): string {
  const target = SNIPPET_TARGETS.find((t) => t.id === id);
  if (!target) throw new Error(`unknown snippet language ${id}`);
  return target.render(request);
}

export type { SnippetRequest, SnippetTarget };
