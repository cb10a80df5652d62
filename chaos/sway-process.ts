/** `sway serve` / `sway worker` as child processes of the chaos run, killed and restarted at will. */
import { spawn, type ChildProcess } from 'node:child_process';

export class SwayProcess {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  starts = 0;
  /** Last lines of output, for a failure report (LOG_LEVEL=warn keeps it small). */
  tail: string[] = [];

  constructor(
    private readonly args: string[],
    private readonly env: Record<string, string>,
  ) {}

  start(): void {
    const child = spawn(process.execPath, ['bin/sway.js', ...this.args], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d: Buffer) => {
      this.tail.push(...d.toString().split('\n').filter(Boolean));
      if (this.tail.length > 50) this.tail.splice(0, this.tail.length - 50);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((r) => child.once('exit', () => r()));
    this.child = child;
    this.starts++;
  }

  get alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL: no graceful anything, as a crashed machine or the OOM killer would. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.alive) return;
    this.child!.kill(signal);
    await this.exited;
  }
}
