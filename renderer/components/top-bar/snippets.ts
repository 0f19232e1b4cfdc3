/** Copy-paste snippets that point an SDK or curl at the proxy. */
export function snippets(
  baseUrl: string,
): { key: 'python' | 'node' | 'curl'; label: string; code: string }[] {
  return [
    {
      key: 'python',
      label: 'Python',
      code: `from openai import OpenAI

client = OpenAI(base_url="${baseUrl}")
stream = client.chat.completions.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "Say hello"}],
    stream=True,
    stream_options={"include_usage": True},
)
for chunk in stream:
    if chunk.choices:
        print(chunk.choices[0].delta.content or "", end="")`,
    },
    {
      key: 'node',
      label: 'Node',
      code: `import OpenAI from 'openai';

const client = new OpenAI({ baseURL: '${baseUrl}' });
const stream = await client.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say hello' }],
  stream: true,
  stream_options: { include_usage: true },
});
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? '');`,
    },
    {
      key: 'curl',
      label: 'curl',
      code: `curl ${baseUrl}/chat/completions \\
  -H "Authorization: Bearer $OPENAI_API_KEY" \\
  -H "Content-Type: application/json" \\
  -N -d '{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Say hello"}]}'`,
    },
  ];
}
