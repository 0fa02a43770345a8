// Runs a rendered snippet with its real interpreter and returns what it printed.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../server/paths.js';

// Debian's python3 carries python3-requests (installed by .ci/run); another python3 on PATH may not.
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

interface Runner {
  file: string;
  command: (path: string) => [string, string[]];
}

export const RUNNERS: Record<string, Runner> = {
  python3: { file: 'frame_token.py', command: (p) => [PYTHON, [p]] },
  node: { file: 'frame-token.mjs', command: (p) => [process.execPath, [p]] },
  curl: { file: 'frame-token.sh', command: (p) => ['bash', [p]] },
  php: { file: 'frame-token.php', command: (p) => ['php', [p]] },
  go: { file: 'frame_token.go', command: (p) => ['go', ['run', p]] },
  java: { file: 'FrameToken.java', command: (p) => ['java', [p]] },
  ruby: { file: 'frame_token.rb', command: (p) => ['ruby', [p]] },
  typescript: { file: 'frame-token.ts', command: (p) => [process.execPath, ['--import', 'tsx', p]] },
};

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runSnippet(
  target: string,
  source: string,
  dir: string,
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<RunResult> {
  const runner = RUNNERS[target];
  if (!runner) throw new Error(`no runner for ${target}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, runner.file);
  writeFileSync(path, source);
  const [cmd, args] = runner.command(path);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs); // a bound on a real interpreter that hangs, not a wait
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} could not start (${(err as NodeJS.ErrnoException).code}): install it as .ci/run does`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
