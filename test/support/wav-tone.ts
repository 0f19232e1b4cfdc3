/** A real 16-bit mono PCM WAV file of a sine tone, `totalBytes` long (header included). */
export function wavTone(totalBytes: number, hz = 440, sampleRate = 24_000): Buffer {
  const dataBytes = totalBytes - 44;
  const wav = Buffer.alloc(totalBytes);
  wav.write('RIFF', 0, 'latin1');
  wav.writeUInt32LE(totalBytes - 8, 4);
  wav.write('WAVEfmt ', 8, 'latin1');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < dataBytes / 2; i++)
    wav.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / sampleRate) * 12_000), 44 + i * 2);
  return wav;
}
