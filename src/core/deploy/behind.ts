/**
 * How far a deployed version is behind the newest promoted one: the number of promoted versions after it in
 * nbpromote.lock's history, and the semver difference (major, minor or patch). A version the history does not
 * hold is `ahead` when it is higher than the newest, else `unknownVersion`.
 */
import type { Behind, PromotedVersions, SemverBump } from '../contract/deployments';

interface Semver {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** `0.3.1`, `v0.3.1`, `0.3.1-rc.1+build`: the three numbers; undefined when it is not a version. */
export function parseSemver(version: string): Semver | undefined {
  const match = /^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:[-+].*)?$/.exec(version.trim());
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/** The same version, written with or without a leading `v`. */
export function sameVersion(a: string, b: string): boolean {
  return a.trim().replace(/^v(?=\d)/, '') === b.trim().replace(/^v(?=\d)/, '');
}

/** The largest part in which `newer` is above `older`; undefined when it is not above it (or either is not a version). */
export function semverBump(older: string, newer: string): SemverBump | undefined {
  const a = parseSemver(older);
  const b = parseSemver(newer);
  if (a === undefined || b === undefined) return undefined;
  if (b.major !== a.major) return b.major > a.major ? 'major' : undefined;
  if (b.minor !== a.minor) return b.minor > a.minor ? 'minor' : undefined;
  if (b.patch !== a.patch) return b.patch > a.patch ? 'patch' : undefined;
  return undefined;
}

export function behindOf(deployed: string | undefined, promoted: PromotedVersions | undefined): Behind {
  if (deployed === undefined) return { kind: 'unknown', reason: 'the version it serves is not known' };
  if (promoted === undefined) return { kind: 'unknown', reason: 'no nbpromote.lock says which version was promoted last' };
  if (sameVersion(deployed, promoted.newest)) return { kind: 'current' };
  let at = -1;
  promoted.history.forEach((v, i) => {
    if (sameVersion(v, deployed)) at = i;
  });
  if (at === -1) return semverBump(promoted.newest, deployed) !== undefined ? { kind: 'ahead' } : { kind: 'unknownVersion' };
  const after = new Set(promoted.history.slice(at + 1).filter((v) => !sameVersion(v, deployed)));
  return { kind: 'behind', versions: Math.max(1, after.size), bump: semverBump(deployed, promoted.newest) };
}

/** "current", "2 versions behind (minor)", "ahead ...", "not a promoted version", "" when unknown. */
export function behindWords(behind: Behind): string {
  switch (behind.kind) {
    case 'current':
      return 'current';
    case 'behind':
      return `${behind.versions} version${behind.versions === 1 ? '' : 's'} behind${behind.bump === undefined ? '' : ` (${behind.bump})`}`;
    case 'ahead':
      return 'ahead of the newest promoted version';
    case 'unknownVersion':
      return 'not a promoted version';
    case 'unknown':
      return '';
  }
}
