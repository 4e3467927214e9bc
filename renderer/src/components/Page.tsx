import type { ReactNode } from 'react';
import { Space, Typography } from 'antd';

/** The frame of every screen: a title line with its actions, then the content. */
export function Page({ title, extra, children, subTitle }: { title: ReactNode; subTitle?: ReactNode; extra?: ReactNode; children: ReactNode }) {
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {title}
          </Typography.Title>
          {subTitle && <Typography.Text type="secondary">{subTitle}</Typography.Text>}
        </div>
        {extra && <Space wrap>{extra}</Space>}
      </div>
      {children}
    </div>
  );
}
