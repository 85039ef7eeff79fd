/**
 * The data files of a set of runs: every `dataFiles` entry of every run, grouped by the file it names and, per
 * file, by content hash (a version). Pure: reads nothing. A path from a record is only ever a file path: it is
 * resolved against the run's workdir (relative to the project folder), never run, fetched or expanded. Every file
 * is shown from one folder, the notebook's (the newest run's workdir), as run records name files: `data/x.csv`
 * beside it, `../data/x.csv` from a `notebooks/` folder when the output root is in the same project (their
 * common folder is the notebook folder's parent), or the git work tree holding the notebook. A file outside that
 * project is shown whole and marked so.
 */
import * as nodePath from 'node:path';
import type { DataRunRef, DataVersion } from '../contract/data';
import type { Problem } from '../contract/problem';
import type { RunSummary } from '../contract/runs';
import { isSameOrInside } from '../io/paths';

/** A file the runs read, before anything on disk is looked at. */
export interface CollectedFile {
  readonly path: string;
  readonly shown: string;
  readonly outsideProject: boolean;
  readonly versions: readonly DataVersion[];
}

/**
 * `repository`: the git work tree holding the notebook's folder (`notebookFolderOf`), when there is one (the caller
 * looks on disk): the project is then that work tree, wherever the output root is (round 59 CCC: a sibling `--out`
 * made the notebook's own `../data` "outside the project").
 */
export function collectDataFiles(runs: readonly RunSummary[], root: string, repository?: string): { files: CollectedFile[]; problems: Problem[] } {
  const byPath = new Map<string, Map<string, { size: number; runs: DataRunRef[] }>>();
  const problems: Problem[] = [];
  for (const run of runs) {
    const base = nodePath.resolve(root, run.workdir ?? '.');
    const seen = new Set<string>();
    for (const file of run.dataFiles ?? []) {
      if (file.path === '' || file.path.includes('\0') || !/^[0-9a-f]{64}$/i.test(file.sha256)) {
        problems.push({ severity: 'warning', code: 'data-file-entry', message: `run ${run.id} names a data file that is not a path with a sha256: ${JSON.stringify(file.path).slice(0, 200)}`, file: run.location ?? root });
        continue;
      }
      const path = nodePath.resolve(base, file.path);
      const sha256 = file.sha256.toLowerCase();
      // The same file named twice in one run (a parameter and a step): one reference.
      const key = `${path}\0${sha256}`;
      if (seen.has(key)) continue;
      seen.add(key);
      let versions = byPath.get(path);
      if (versions === undefined) byPath.set(path, (versions = new Map()));
      let version = versions.get(sha256);
      if (version === undefined) versions.set(sha256, (version = { size: file.size, runs: [] }));
      version.runs.push({
        source: run.source,
        id: run.id,
        status: run.status,
        ...(run.start !== undefined ? { start: run.start } : {}),
        ...(run.pipeline !== undefined ? { pipeline: run.pipeline } : {}),
        ...(run.version !== undefined ? { version: run.version } : {}),
        ...(file.parameter !== undefined ? { parameter: file.parameter } : {}),
        ...(file.steps !== undefined ? { steps: file.steps } : {}),
      });
    }
  }
  // The newest run's notebook folder; the project: that folder, or its parent when the output root is there too
  // (`notebooks/` beside `build/`), never a folder further up (an output root elsewhere on the disk).
  const notebookFolder = notebookFolderOf(runs, root);
  const parent = nodePath.dirname(notebookFolder);
  const project = repository !== undefined && repository !== nodePath.parse(repository).root ? repository : isSameOrInside(notebookFolder, root) || !isSameOrInside(parent, root) || parent === nodePath.parse(parent).root ? notebookFolder : parent;
  const files: CollectedFile[] = [];
  for (const [path, versions] of byPath) {
    const from = isSameOrInside(project, path) ? notebookFolder : isSameOrInside(root, path) ? root : undefined;
    const outsideProject = from === undefined;
    const shown = from === undefined ? path : nodePath.relative(from, path).split(nodePath.sep).join('/');
    const list = [...versions].map(([sha256, v]) => versionOf(sha256, v.size, v.runs));
    list.sort(newestFirst);
    files.push({ path, shown, outsideProject, versions: list });
  }
  files.sort((a, b) => (a.outsideProject !== b.outsideProject ? (a.outsideProject ? 1 : -1) : compare(a.shown, b.shown)));
  return { files, problems };
}

function versionOf(sha256: string, size: number, runs: DataRunRef[]): DataVersion {
  runs.sort((a, b) => compare(b.start ?? '', a.start ?? '') || compare(b.id, a.id));
  const starts = runs.map((r) => r.start).filter((s): s is string => s !== undefined);
  const lastSeen = starts[0];
  const firstSeen = starts[starts.length - 1];
  return { sha256, size, runs, ...(firstSeen !== undefined ? { firstSeen } : {}), ...(lastSeen !== undefined ? { lastSeen } : {}) };
}

/** The version the latest run read first; ties (no start) by hash, so the order never depends on reading order. */
function newestFirst(a: DataVersion, b: DataVersion): number {
  return compare(b.lastSeen ?? '', a.lastSeen ?? '') || compare(b.runs[0]?.id ?? '', a.runs[0]?.id ?? '') || compare(a.sha256, b.sha256);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The notebook's folder the runs of the store under `root` name: the newest run's `workdir`. */
export function notebookFolderOf(runs: readonly RunSummary[], root: string): string {
  return nodePath.resolve(root, runs.find((run) => run.workdir !== undefined)?.workdir ?? '.');
}
