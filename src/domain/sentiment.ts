/**
 * Sentiment of a piece of text in −1..1, for conversations sent without a sentiment. Uses the
 * `sentiment` package (AFINN-165 word list with negation handling): its raw score (sum of
 * word valences, −5..5 each) is squashed with tanh(score / 5), so one strong word ("love",
 * +3) gives ≈ 0.54 and a few pile up towards ±1 without a hard cap. English only (AFINN).
 */
import Sentiment from 'sentiment';

const analyzer = new Sentiment();

export function textSentiment(text: string): number {
  const { score } = analyzer.analyze(text);
  return Math.round(Math.tanh(score / 5) * 1000) / 1000;
}
