import { Command } from 'commander';

export function serveCommand(): Command {
  return new Command('serve').description('run Portcullis').action(() => {
    console.log('not yet');
  });
}
