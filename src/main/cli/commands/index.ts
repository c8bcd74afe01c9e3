// Every CLI command, in the order `paddy --help` lists them. Each lives in its own file.
import type { Command } from '../command';

export const commands: Command[] = [];

export function register(...cmds: Command[]): void {
  commands.push(...cmds);
}
