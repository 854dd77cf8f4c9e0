import { Placeholder } from '../placeholder.tsx';

/** API tokens: create, roll, disable and delete. */
export function ApiTokensScreen() {
  return <Placeholder title="API Tokens" what="Your API tokens" />;
}
