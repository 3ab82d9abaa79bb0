/** Matches a pathname against OpenAPI-style templates; literal segments beat parameters. */
export interface Matchable {
  method: string;
  path: string;
}

export interface Match<R> {
  route: R;
  params: Record<string, string>;
}

const segments = (p: string): string[] => p.split('/').filter((s) => s !== '');

export function createRouter<R extends Matchable>(routes: readonly R[]) {
  const compiled = routes.map((route) => ({ route, parts: segments(route.path) }));
  return {
    /** `undefined`: no route has this path; `'method'`: the path exists with other methods. */
    match(method: string, pathname: string): Match<R> | 'method' | undefined {
      const parts = segments(pathname);
      let best: { match: Match<R>; score: number[] } | undefined;
      let pathExists = false;
      for (const c of compiled) {
        if (c.parts.length !== parts.length) continue;
        const params: Record<string, string> = {};
        const score: number[] = [];
        let fits = true;
        for (let i = 0; i < parts.length && fits; i++) {
          const t = c.parts[i] ?? '';
          const p = parts[i] ?? '';
          if (t.startsWith('{') && t.endsWith('}')) {
            let value: string;
            try {
              value = decodeURIComponent(p);
            } catch {
              fits = false;
              break;
            }
            params[t.slice(1, -1)] = value;
            score.push(0);
          } else {
            fits = t === p;
            score.push(1);
          }
        }
        if (!fits) continue;
        pathExists = true;
        if (c.route.method !== method) continue;
        if (best === undefined || compare(score, best.score) > 0) best = { match: { route: c.route, params }, score };
      }
      if (best !== undefined) return best.match;
      return pathExists ? 'method' : undefined;
    },
  };
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}
