// What a command module provides: it registers itself on the program and reports its exit code
// through setExit (commander's action return value is not an exit code).
import type { Command } from 'commander';

export type SetExit = (code: number) => void;
export type RegisterCommand = (program: Command, setExit: SetExit) => void;
