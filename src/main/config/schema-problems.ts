import type { z } from 'zod';

/**
 * A schema failure as lines a person can act on, each naming the key: `server.port: expected
 * number…`, `server.prot: unknown key`. Used for the config file and the directory file.
 */
export function describeProblems(error: z.ZodError): string[] {
  return error.issues.flatMap(describeIssue);
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const at = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${at ? `${at}.` : ''}${key}: unknown key`);
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // Report the branch that went deepest: it is the one the user meant.
    const best = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
    return best.flatMap((inner) =>
      describeIssue({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue),
    );
  }
  return [`${at || '(top level)'}: ${issue.message}`];
}
