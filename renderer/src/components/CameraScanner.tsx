import { useEffect, useRef, useState } from 'react';
import { Alert, Typography } from 'antd';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
// The reader's WebAssembly ships in our own bundle (Vite emits it under assets/): never fetched from a CDN.
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

prepareZXingModule({ overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) } });

/**
 * Reads one code from the phone's back camera: DataMatrix (码上放心 and GS1), GS1-128 and EAN-13. GS1 results
 * keep their symbology identifier (]d2, ]C1) so the parser knows them for element strings.
 */
export default function CameraScanner({ onDetected }: { onDetected: (text: string) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<string | null>(
    window.isSecureContext
      ? null
      : '摄像头只能在安全连接（HTTPS）下使用：请用卫生院的 https:// 地址打开本系统（系统设置 → 局域网访问 → 启用 HTTPS），或用扫码枪扫码。',
  );

  useEffect(() => {
    if (!window.isSecureContext) return;
    let stream: MediaStream | null = null;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const canvas = document.createElement('canvas');
    async function tick() {
      const v = video.current;
      if (stopped || !v) return;
      if (v.videoWidth > 0) {
        canvas.width = v.videoWidth;
        canvas.height = v.videoHeight;
        const g = canvas.getContext('2d', { willReadFrequently: true })!;
        g.drawImage(v, 0, 0);
        const [hit] = await readBarcodes(g.getImageData(0, 0, canvas.width, canvas.height), {
          formats: ['DataMatrix', 'Code128', 'EAN13', 'QRCode'],
          textMode: 'Plain',
          maxNumberOfSymbols: 1,
        });
        if (hit && !stopped) {
          onDetected(hit.contentType === 'GS1' ? `${hit.symbologyIdentifier}${hit.text}` : hit.text);
          return;
        }
      }
      timer = setTimeout(() => void tick(), 200);
    }
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then((s) => {
        stream = s;
        if (stopped || !video.current) return;
        video.current.srcObject = s;
        void video.current.play();
        void tick();
      })
      .catch((e: Error) => setProblem(`打不开摄像头：${e.name === 'NotAllowedError' ? '请在浏览器中允许本网站使用摄像头' : e.message}`));
    return () => {
      stopped = true;
      clearTimeout(timer);
      for (const t of stream?.getTracks() ?? []) t.stop();
    };
  }, [onDetected]);

  if (problem) return <Alert type="warning" showIcon title={problem} />;
  return (
    <div>
      <video ref={video} muted playsInline style={{ width: '100%', borderRadius: 8, background: '#000' }} aria-label="摄像头画面" />
      <Typography.Text type="secondary">把药盒上的追溯码（二维码或条形码）对准画面中央</Typography.Text>
    </div>
  );
}
