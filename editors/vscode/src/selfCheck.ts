/**
 * The self-check in VS Code: the server (`mindgap.selfCheck` with no argument) gives the five
 * questions; the extension asks each with a quick pick of 1 (very uncomfortable) .. 5
 * (comfortable) and sends `{ratings: [..5 numbers..]}` back. No vscode import: unit-tested.
 */

/** The questions, in case the server's answer has none (an older server). */
export const FALLBACK_QUESTIONS: readonly string[] = [
  'Explain the architecture of your last feature, without looking at the code.',
  'Debug a logic error in code you wrote three months ago, without AI.',
  'Design a solution for a kind of problem you have only ever solved with AI.',
  'Explain one of your technical choices to a non-technical person.',
  'Think of something you can no longer imagine doing without AI. How comfortable is that?',
];

/** The five questions from the server's answer, else the fallback. */
export function questionsFrom(answer: unknown): string[] {
  const q = (answer as { questions?: unknown } | null | undefined)?.questions;
  if (Array.isArray(q) && q.length === 5 && q.every((s) => typeof s === 'string')) return q as string[];
  return [...FALLBACK_QUESTIONS];
}

export interface RatingItem {
  label: string;
  description?: string;
  rating: number;
}

/** The quick pick items for one question, with the previous answer marked. */
export function ratingItems(previous?: number): RatingItem[] {
  const words: Record<number, string> = { 1: 'very uncomfortable', 3: 'so-so', 5: 'comfortable' };
  return [1, 2, 3, 4, 5].map((n) => ({
    label: String(n),
    description: [words[n], previous === n ? '(last time)' : undefined].filter(Boolean).join(' ') || undefined,
    rating: n,
  }));
}

/** The previous ratings from the server's answer, if any. */
export function previousRatings(answer: unknown): number[] | undefined {
  const r = (answer as { previous?: { ratings?: unknown } | null } | null | undefined)?.previous?.ratings;
  return Array.isArray(r) && r.length === 5 && r.every((n) => typeof n === 'number') ? (r as number[]) : undefined;
}
