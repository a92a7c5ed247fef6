/** An error in what the user gave the CLI (a file, a flag): printed without a stack, exit code 2. */
export class UsageError extends Error {}
