/**
 * Escapes text for a Slack message's `text`: Slack reads `<…>` as a mention or link (`<!channel>`,
 * `<http://evil|click>`) and `&` as the start of an entity, so it asks for exactly `&`, `<` and `>` to be
 * written `&amp;`, `&lt;`, `&gt;` (https://api.slack.com/reference/surfaces/formatting#escaping). Line
 * breaks become spaces so one alert stays one line and data cannot fake another alert's line.
 */
export function slackEscape(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, ' ')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
}
