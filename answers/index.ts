// Answers: normalizing, voting keys, gold references and grading. Pure: imports no other project folder.
export { isAbstention } from './abstain.ts';
export { allNumbers, asNumber, lastNumber, sameNumber } from './numbers.ts';
export { answerKey, containsPhrase, normalizeAnswer } from './normalize.ts';
export { goldOf, gsm8kParts, referenceAnswer } from './gold.ts';
export { gradeAnswer, sameAnswer, type Grade } from './grade.ts';
