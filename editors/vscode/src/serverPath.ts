// Where is the `mindgap` binary? Pure: everything it looks at is passed in, so it can be tested
// without VS Code. Order: the `mindgap.path` setting, $MINDGAP_PATH, the binary bundled with the
// extension (`<extension>/bin/mindgap`), then PATH.
import * as path from 'path';

export type Source = 'setting' | 'env' | 'bundled' | 'PATH';

export interface Lookup {
  /** The `mindgap.path` setting (empty or undefined when unset). */
  setting?: string;
  env: Record<string, string | undefined>;
  extensionPath: string;
  platform: string;
  /** Home directory, for a leading `~` in the setting. */
  home?: string;
  /** Is there an executable file at this path? */
  isExecutable(p: string): boolean;
}

export type Resolution =
  | { ok: true; path: string; source: Source }
  | { ok: false; message: string; tried: string[] };

export const INSTALL_HINT =
  'Install it with `cargo install --path server --locked` from a clone of the mindgap repository ' +
  '(it lands in ~/.cargo/bin), or set the `mindgap.path` setting to the binary.';

function pathApi(platform: string): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

function expandHome(p: string, home: string | undefined): string {
  if (home && (p === '~' || p.startsWith('~/') || p.startsWith('~\\'))) {
    return home + p.slice(1);
  }
  return p;
}

/** The file names to look for in one directory. */
export function candidateNames(platform: string, env: Record<string, string | undefined>): string[] {
  if (platform !== 'win32') return ['mindgap'];
  const exts = (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter((e) => e.length > 0);
  return ['mindgap.exe', ...exts.map((e) => 'mindgap' + e.toLowerCase()).filter((n) => n !== 'mindgap.exe')];
}

export function resolveServerPath(l: Lookup): Resolution {
  const p = pathApi(l.platform);
  const tried: string[] = [];
  const setting = l.setting?.trim();
  if (setting) {
    const file = expandHome(setting, l.home);
    if (l.isExecutable(file)) return { ok: true, path: file, source: 'setting' };
    return {
      ok: false,
      tried: [file],
      message: `mindgap: the \`mindgap.path\` setting points to ${file}, which is not an executable file. Fix the setting or clear it to search PATH.`,
    };
  }
  const fromEnv = l.env.MINDGAP_PATH?.trim();
  if (fromEnv) {
    const file = expandHome(fromEnv, l.home);
    if (l.isExecutable(file)) return { ok: true, path: file, source: 'env' };
    return {
      ok: false,
      tried: [file],
      message: `mindgap: $MINDGAP_PATH points to ${file}, which is not an executable file. Fix or unset it.`,
    };
  }
  const names = candidateNames(l.platform, l.env);
  for (const name of names) {
    const bundled = p.join(l.extensionPath, 'bin', name);
    tried.push(bundled);
    if (l.isExecutable(bundled)) return { ok: true, path: bundled, source: 'bundled' };
  }
  const pathVar = l.env.PATH ?? l.env.Path ?? '';
  const delimiter = l.platform === 'win32' ? ';' : ':';
  for (const dir of pathVar.split(delimiter)) {
    if (dir.length === 0) continue;
    for (const name of names) {
      const file = p.join(dir, name);
      tried.push(file);
      if (l.isExecutable(file)) return { ok: true, path: file, source: 'PATH' };
    }
  }
  return {
    ok: false,
    tried,
    message:
      'mindgap: the language server `mindgap` was not found (looked at the `mindgap.path` setting, ' +
      '$MINDGAP_PATH, the extension\'s bin/ folder and PATH). ' +
      INSTALL_HINT,
  };
}
