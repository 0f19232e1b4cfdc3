// @vitest-environment jsdom
/**
 * The Conversation tab reads a request body of each API as a person reads it: roles, Markdown text,
 * tool calls beside their results, images as thumbnails, reasoning folded, the raw JSON a click away.
 * Captured text is anyone's: hostile Markdown and HTML must not become markup, script URLs or fetches.
 */
import { cleanup, render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ConversationTab } from '../../renderer/components/conversation/conversation-tab.tsx';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import type { MergedResult } from '../../shared/interpreters/merged-result.ts';
import { sampleRecords } from './support/records.ts';

afterEach(cleanup);

/** A 1×1 PNG. */
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

function recordWith(body: unknown, merged: MergedResult | null = null): ExchangeRecord {
  const base = sampleRecords().find((r) => r.id === 'ex-chat');
  if (!base) throw new Error('no ex-chat sample');
  return { ...base, request: { ...base.request, body: JSON.stringify(body) }, merged };
}

const ANSWER: MergedResult = {
  text: 'It is **sunny** in Paris.',
  refusal: null,
  reasoning: 'The tool said sunny.',
  toolCalls: [],
  finishReason: 'stop',
};

function messages(): HTMLElement[] {
  return within(screen.getByRole('list', { name: 'Messages' })).getAllByRole('listitem');
}

describe('the Conversation tab', () => {
  it('reads an OpenAI chat: roles, Markdown, a tool call beside its result, an image thumbnail, the answer', async () => {
    render(
      <ConversationTab
        record={recordWith(
          {
            model: 'gpt-4o',
            messages: [
              { role: 'system', content: 'You are a **weather** bot.' },
              {
                role: 'user',
                content: [
                  { type: 'text', text: 'Weather in *Paris*? See [docs](https://example.com/docs).' },
                  { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
                ],
              },
              {
                role: 'assistant',
                content: null,
                tool_calls: [
                  {
                    id: 'call_1',
                    type: 'function',
                    function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
                  },
                ],
              },
              { role: 'tool', tool_call_id: 'call_1', content: '{"sky":"sunny","temp":21}' },
            ],
            tools: [{ type: 'function', function: { name: 'get_weather', description: 'Current weather' } }],
          },
          ANSWER,
        )}
      />,
    );
    const items = messages();
    expect(items.map((li) => li.querySelector('.chat-role')?.textContent)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
    expect(within(items[0] as HTMLElement).getByText('weather').tagName).toBe('STRONG');
    expect(within(items[1] as HTMLElement).getByText('Paris').tagName).toBe('EM');
    const link = within(items[1] as HTMLElement).getByRole('link', { name: 'docs' });
    expect(link.getAttribute('href')).toBe('https://example.com/docs');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toContain('noopener');
    const image = within(items[1] as HTMLElement).getByRole('img');
    expect(image.getAttribute('src')).toBe(`data:image/png;base64,${PNG}`);

    // The call's arguments, pretty-printed, beside the result that came back later.
    const call = screen.getByRole('group', { name: 'Tool call get_weather' });
    expect(call.textContent).toContain('"city": "Paris"');
    expect(call.textContent).toContain('"sky": "sunny"');
    expect(within(items[3] as HTMLElement).getByText(/shown beside its call/)).toBeTruthy();

    // The merged answer is the last message, its reasoning folded.
    const answer = items[4] as HTMLElement;
    expect(answer.getAttribute('data-place')).toBe('answer');
    expect(within(answer).getByText('sunny').tagName).toBe('STRONG');
    const reasoning = answer.querySelector('details');
    expect(reasoning?.open).toBe(false);
    expect(reasoning?.querySelector('summary')?.textContent).toMatch(/^Reasoning/);
    expect(screen.getByRole('region', { name: 'Tools offered' }).textContent).toContain('get_weather');
  });

  it('renders hostile content inert: no raw HTML, no script or data links, no remote images', () => {
    const hostile = [
      '<img src="x" onerror="window.__pwned=1"> <script>window.__pwned=2</script>',
      '[click me](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:msgbox)',
      '[rel](/api/exchanges) ![tracker](https://evil.example/pixel.png) ![svg](data:image/svg+xml;base64,PHN2Zz4=)',
      '<a href="https://evil.example">html link</a> [ok](https://example.com/ok)',
    ].join('\n\n');
    const { container } = render(
      <ConversationTab
        record={recordWith({
          model: 'gpt-4o',
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: hostile },
                { type: 'image_url', image_url: { url: 'https://evil.example/remote.png' } },
                { type: 'image_url', image_url: { url: 'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=' } },
              ],
            },
          ],
        })}
      />,
    );
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('[onerror]')).toBeNull();
    // No image at all: neither from HTML, Markdown nor the remote and SVG parts.
    expect(container.querySelectorAll('img')).toHaveLength(0);
    const hrefs = [...container.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(hrefs).toEqual(['https://example.com/ok']);
    expect(screen.getByText('click me').tagName).toBe('SPAN');
    expect(screen.getByText('rel').tagName).toBe('SPAN');
    expect(screen.getByText(/image: tracker, not loaded/)).toBeTruthy();
    expect(screen.getByText('https://evil.example/remote.png')).toBeTruthy();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('reads Anthropic Messages: system, tool_use beside tool_result, thinking folded, a base64 image', () => {
    render(
      <ConversationTab
        record={recordWith({
          model: 'claude-sonnet-4-5',
          system: [{ type: 'text', text: 'You are Claude Code.' }],
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'List the files' },
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
              ],
            },
            {
              role: 'assistant',
              content: [
                { type: 'thinking', thinking: 'I should run ls.', signature: 'x' },
                { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls' } },
              ],
            },
            {
              role: 'user',
              content: [
                { type: 'tool_result', tool_use_id: 'toolu_1', content: 'a.ts\nb.ts', is_error: true },
              ],
            },
          ],
        })}
      />,
    );
    const items = messages();
    expect(items[0]?.textContent).toContain('You are Claude Code.');
    expect(items[0]?.getAttribute('data-place')).toBe('system');
    expect(
      within(items[1] as HTMLElement)
        .getByRole('img')
        .getAttribute('src'),
    ).toMatch(/^data:image\/png;base64,/);
    const thinking = (items[2] as HTMLElement).querySelector<HTMLDetailsElement>('details.chat-reasoning');
    expect(thinking?.open).toBe(false);
    const call = screen.getByRole('group', { name: 'Tool call Bash' });
    expect(call.textContent).toContain('"command": "ls"');
    expect(call.textContent).toContain('Result (error)');
    expect(call.textContent).toContain('b.ts');
  });

  it('reads Gemini contents: systemInstruction, model turns, functionCall paired with functionResponse by name', () => {
    render(
      <ConversationTab
        record={recordWith({
          systemInstruction: { parts: [{ text: 'Be brief.' }] },
          contents: [
            {
              role: 'user',
              parts: [{ text: 'Weather?' }, { inlineData: { mimeType: 'image/jpeg', data: PNG } }],
            },
            {
              role: 'model',
              parts: [
                { text: 'Checking', thought: true },
                { functionCall: { name: 'weather', args: { q: 'Rome' } } },
              ],
            },
            { role: 'user', parts: [{ functionResponse: { name: 'weather', response: { sky: 'clear' } } }] },
          ],
        })}
      />,
    );
    const items = messages();
    expect(items.map((li) => li.querySelector('.chat-role')?.textContent)).toEqual([
      'system',
      'user',
      'assistant',
      'user',
    ]);
    expect(items.map((li) => li.getAttribute('data-place'))).toEqual([
      'systemInstruction',
      'contents[0]',
      'contents[1]',
      'contents[2]',
    ]);
    expect(within(items[1] as HTMLElement).getByRole('img')).toBeTruthy();
    expect((items[2] as HTMLElement).querySelector('details.chat-reasoning')).not.toBeNull();
    const call = screen.getByRole('group', { name: 'Tool call weather' });
    expect(call.textContent).toContain('"q": "Rome"');
    expect(call.textContent).toContain('"sky": "clear"');
  });

  it('reads Responses API input items, and shows the raw JSON one click away', async () => {
    const user = userEvent.setup();
    render(
      <ConversationTab
        record={recordWith({
          model: 'gpt-5',
          instructions: 'You are Codex.',
          input: [
            { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Run the tests' }] },
            { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Use npm test.' }] },
            { type: 'function_call', call_id: 'fc_1', name: 'shell', arguments: '{"cmd":"npm test"}' },
            { type: 'function_call_output', call_id: 'fc_1', output: 'all green' },
          ],
        })}
      />,
    );
    const items = messages();
    expect(items.map((li) => li.getAttribute('data-place'))).toEqual([
      'instructions',
      'input[0]',
      'input[1]',
      'input[2]',
      'input[3]',
    ]);
    expect(screen.getByRole('group', { name: 'Tool call shell' }).textContent).toContain('all green');
    await user.click(screen.getByRole('button', { name: 'Raw JSON' }));
    expect(screen.queryByRole('list', { name: 'Messages' })).toBeNull();
    expect(screen.getByRole('toolbar', { name: 'Request body tree' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Show conversation' }));
    expect(screen.getByRole('list', { name: 'Messages' })).toBeTruthy();
  });
});
