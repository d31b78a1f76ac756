// A tiny bridge so panels can ask the (lazily loaded) editor to reveal a line, without importing it.
let reveal: ((line: number) => void) | null = null;

export function setRevealer(fn: ((line: number) => void) | null): void {
  reveal = fn;
}

export function revealLine(line: number): void {
  reveal?.(line);
}
