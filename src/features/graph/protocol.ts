/**
 * The messages between the pipeline graph panel (src/features/graph/panel.ts, extension host) and its
 * webview script (webview/graph.ts, browser). Both sides import this file, so it imports nothing: no
 * `vscode`, no Node, no DOM. Messages arriving from the other side are checked with the guards below
 * before use.
 */

export type GraphNodeKind = 'parameters' | 'step' | 'metrics';

export interface GraphNode {
  /** Unique in the graph: the step name, `parameters` or `metrics` (as in core's `Edge.from`/`to`). */
  readonly id: string;
  readonly kind: GraphNodeKind;
  /** The first line drawn in the box. */
  readonly label: string;
  /** Further lines in the box: "cells 4–6", parameter defaults, metric names. */
  readonly details: readonly string[];
  /** Hover text. */
  readonly tooltip: string;
  /** The step's code changed since the last promotion. */
  readonly changed: boolean;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** The names passed along this edge, in order; empty for an ordering-only edge (`after:`). */
  readonly names: readonly string[];
  /** One sentence per name: "train uses X_train, defined by split, cell 7 line 4". */
  readonly explanations: readonly string[];
}

export interface GraphData {
  /** "graph-pipeline.ipynb" */
  readonly title: string;
  /** "pipeline graph_pipeline · v0.1.0 · up to date" */
  readonly status: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** Problems to show above the graph (errors and warnings), already formatted. */
  readonly problems: readonly string[];
}

/** Host → webview. */
export type HostMessage = { readonly type: 'graph' } & GraphData;

/** Webview → host. */
export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'openStep'; readonly step: string }
  | { readonly type: 'rendered'; readonly nodes: number; readonly edges: number };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** For the host: is this a message the webview may send? */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (!isRecord(value)) return false;
  switch (value['type']) {
    case 'ready':
      return true;
    case 'openStep':
      return typeof value['step'] === 'string';
    case 'rendered':
      return Number.isInteger(value['nodes']) && Number.isInteger(value['edges']);
    default:
      return false;
  }
}

function isGraphNode(value: unknown): value is GraphNode {
  return (
    isRecord(value) &&
    typeof value['id'] === 'string' &&
    (value['kind'] === 'parameters' || value['kind'] === 'step' || value['kind'] === 'metrics') &&
    typeof value['label'] === 'string' &&
    isStringArray(value['details']) &&
    typeof value['tooltip'] === 'string' &&
    typeof value['changed'] === 'boolean'
  );
}

function isGraphEdge(value: unknown): value is GraphEdge {
  return isRecord(value) && typeof value['from'] === 'string' && typeof value['to'] === 'string' && isStringArray(value['names']) && isStringArray(value['explanations']);
}

/** For the webview: is this a message the host sends? */
export function isHostMessage(value: unknown): value is HostMessage {
  return (
    isRecord(value) &&
    value['type'] === 'graph' &&
    typeof value['title'] === 'string' &&
    typeof value['status'] === 'string' &&
    Array.isArray(value['nodes']) &&
    value['nodes'].every(isGraphNode) &&
    Array.isArray(value['edges']) &&
    value['edges'].every(isGraphEdge) &&
    isStringArray(value['problems'])
  );
}
