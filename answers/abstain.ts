const ABSTAIN = [
  /\bi (do not|don't|dont) know\b/i,
  /\b(can ?not|can't|could not|couldn't|unable to|was unable to) (find|determine|answer|locate|tell|be determined)\b/i,
  /\bno (relevant |such )?(information|answer|data|results?) (found|available|about|on|in)\b/i,
  /\b(not|isn't|is not) (mentioned|available|provided|specified) in\b/i,
  /\b(does not|doesn't|do not|don't) (mention|contain|say|specify|provide|cover)\b/i,
  /\bnot (found )?in the (documents|docs|handbook|passages)\b/i,
  /^\s*(unknown|n\/a|none|not found|no answer)\s*\.?\s*$/i,
  /\bi('m| am) (sorry|not sure)\b/i,
];

/** An answer that says it has no answer ("I don't know", "cannot find …"). */
export function isAbstention(answer: string | null): boolean {
  if (answer === null || answer.trim() === '') return true;
  return ABSTAIN.some((re) => re.test(answer));
}
