import { useEffect, useState } from 'react';
import { Button, Result, Spin, Typography } from 'antd';
import { useSession } from '../../stores/session';

const RETRY_MS = 3000;

/**
 * The server started after an unclean shutdown (a power cut) and is reading its whole database to make
 * sure it is sound. Asks again every few seconds and moves on by itself: to login when the check
 * passes, to the restore screen when it found damage.
 */
export default function DatabaseCheckPage() {
  const load = useSession((s) => s.load);
  const message = useSession((s) => s.loadError);
  const [startedAt] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
      void load();
    }, RETRY_MS);
    return () => clearInterval(timer);
  }, [load]);

  const waited = Math.round((now - startedAt) / 1000);
  return (
    <Result
      icon={<Spin size="large" />}
      title="正在检查数据库"
      subTitle={message ?? '三统上次没有正常关闭，正在检查数据库是否完好，请稍候。'}
      extra={
        <>
          <Typography.Paragraph type="secondary">已等待 {waited} 秒。检查完成后本页会自动进入系统，无需刷新；检查期间数据不会被改动。</Typography.Paragraph>
          <Button onClick={() => void load()}>立即重试</Button>
        </>
      }
    />
  );
}
