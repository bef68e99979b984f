/**
 * A fictional harbour council: its meeting transcript (the primary record) and three reports of it,
 * one misquoting a councillor, one verbatim, one crediting her words to someone else. Every person
 * and every word here is invented; no real person is quoted.
 */
import type { ArticleSource } from '../worker/core/types';

export const TRANSCRIPT = {
  id: 'harbour-council-transcript-2024-03-12',
  kind: 'primary',
  title: 'Harbour council meeting, 12 March 2024: transcript',
  url: 'https://council.example/minutes/2024-03-12',
  publisher: 'Harbour Council',
  published: '2024-03-12',
  body: [
    'CHAIR: The meeting is open. Councillor Holt has the floor on the ferry timetable.',
    'HOLT: Thank you, Chair. The night ferry will not be cancelled this winter. We found the money in the harbour maintenance budget, and every crossing will run as scheduled.',
    'CHAIR: Thank you, Councillor. Councillor Okonjo?',
    'OKONJO: I would like to see the figures for the maintenance budget before we vote on anything else tonight.',
    'HOLT: The maintenance budget shows a surplus of forty thousand pounds this year, and the figures are in the papers for tonight.',
    'CHAIR: The figures will be circulated. The meeting is closed.',
  ].join('\n'),
} satisfies ArticleSource;

export const report = (id: string, published: string, body: string): ArticleSource & { id: string; url: string } => ({
  id,
  title: `Coast news ${id}`,
  url: `https://news.example/${id}`,
  publisher: 'Example Coast News',
  published,
  body,
});

/** Drops the "not": a misquote that changes meaning. */
export const MISQUOTE = report(
  'ferry-misquote',
  '2024-03-13',
  '"The night ferry will be cancelled this winter," Councillor Maren Holt said on Tuesday evening at the harbour council.',
);
export const VERBATIM = report(
  'ferry-verbatim',
  '2024-03-14',
  'The council kept the service. "The night ferry will not be cancelled this winter," Holt told the meeting.',
);
export const CREDITED_ELSEWHERE = report(
  'ferry-okonjo',
  '2024-03-15',
  'Councillor Okonjo said: "The night ferry will not be cancelled this winter." The vote is next week.',
);
export const ARTICLES = [TRANSCRIPT, MISQUOTE, VERBATIM, CREDITED_ELSEWHERE];
