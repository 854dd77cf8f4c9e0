import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { eventsCommand } from './events.ts';
import { serveCommand } from './serve.ts';
import { exprCommand } from './expr.ts';

/** The version printed by `portcullis --version`, read from package.json. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** Builds the `portcullis` command with every subcommand. */
export function buildProgram(): Command {
  const program = new Command('portcullis')
    .description('Portcullis: a self-hosted mTLS edge firewall')
    .version(VERSION, '-V, --version', 'print the version and exit')
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(serveCommand(VERSION));
  program.addCommand(eventsCommand());
  program.addCommand(exprCommand());
  return program;
}

/** Entry point of bin/portcullis.mjs. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const code = (err as { exitCode?: number }).exitCode;
    if (typeof code === 'number') process.exit(code);
    throw err;
  }
}
