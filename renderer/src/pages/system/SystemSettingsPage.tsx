import { useEffect, useState } from 'react';
import { Alert, App, Badge, Button, Card, Col, Collapse, Descriptions, Form, InputNumber, QRCode, Row, Select, Space, Switch, Typography } from 'antd';
import { DownloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import type { LanSettings } from '../../../../shared/contract/system';
import { DEFAULT_LAN_PORT } from '../../../../shared/security';
import { call } from '../../api/client';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { useSession } from '../../stores/session';
import { PostingRulesCard } from './PostingRulesCard';
import { ScanRulesCard } from './ScanRulesCard';
import { SettlementPrivacyCard } from './SettlementPrivacyCard';
import { formatChinaDateTime } from '../../components/hubClock';

function saveFile(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const TRUST_STEPS = [
  {
    key: 'windows',
    label: 'Windows 电脑',
    children: (
      <ol className="steps">
        <li>用浏览器打开下方“证书下载地址”，保存 santong-ca.crt；或由管理员用 U 盘拷贝。</li>
        <li>双击该文件 → “安装证书” → 选择“本地计算机”（需管理员权限）→ “将所有的证书都放入下列存储” → 浏览 → 选“受信任的根证书颁发机构” → 完成。</li>
        <li>核对证书指纹与本页显示的一致，然后重新打开浏览器，访问 https 地址。</li>
      </ol>
    ),
  },
  {
    key: 'android',
    label: '安卓手机',
    children: (
      <ol className="steps">
        <li>用手机浏览器扫描“证书下载”二维码，下载 santong-ca.crt。</li>
        <li>打开“设置” → “安全”（或“密码与安全”）→ “加密与凭据” → “安装证书” → “CA 证书”，选择刚下载的文件并确认。</li>
        <li>不同品牌菜单名称略有不同，可在设置中搜索“证书”。安装后用 Chrome 等浏览器打开 https 地址。</li>
      </ol>
    ),
  },
  {
    key: 'ios',
    label: 'iPhone / iPad',
    children: (
      <ol className="steps">
        <li>用 Safari 扫码下载证书，提示“已下载描述文件”。</li>
        <li>打开“设置” → “已下载描述文件” → “安装”。</li>
        <li>再打开“设置” → “通用” → “关于本机” → “证书信任设置”，打开“三统药品管理 本地根证书”的开关。</li>
      </ol>
    ),
  },
];

/** 系统设置: the back-dating limit for the administrator and the pharmacist; LAN access for the administrator. */
export default function SystemSettingsPage() {
  const isAdmin = useSession((s) => s.user?.role === 'admin');
  return (
    <Page
      title="系统设置"
      subTitle={
        isAdmin
          ? '记账规则；结算明细中个人信息的保存期限；拆零药品的扫码规则；局域网访问：让村卫生室的电脑和手机通过乡镇局域网或 VPN 使用本系统'
          : '记账规则；结算明细中个人信息的保存期限；拆零药品的扫码规则'
      }
    >
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={24} lg={12}>
          <PostingRulesCard />
        </Col>
        <Col xs={24} lg={12}>
          <SettlementPrivacyCard />
        </Col>
        <Col xs={24} lg={12}>
          <ScanRulesCard editable />
        </Col>
      </Row>
      {isAdmin && <LanAccess />}
    </Page>
  );
}

function LanAccess() {
  const { message } = App.useApp();
  const [form] = Form.useForm<LanSettings>();
  const status = useApiQuery(
    'system.lanStatus',
    {},
    { refetchInterval: (q) => (q.state.data?.settings.enabled && !q.state.data.running && !q.state.data.error ? 1000 : false) },
  );
  const update = useApiMutation('system.updateLanSettings', {
    form,
    success: '设置已保存',
  });
  const [downloading, setDownloading] = useState(false);
  const s = status.data;

  useEffect(() => {
    if (s) form.setFieldsValue(s.settings);
  }, [s, form]);

  async function downloadCa() {
    setDownloading(true);
    try {
      const ca = await call('system.caCertificate', {});
      saveFile(ca.filename, ca.pem, 'application/x-x509-ca-cert');
      void status.refetch();
    } catch (err) {
      message.error((err as Error).message);
    } finally {
      setDownloading(false);
    }
  }

  const firstUrl = s?.urls[0];
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={12}>
        <Card title="局域网访问">
          {s && !s.managedHere && (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 16 }}
              title="本服务器由命令行启动"
              description="以下设置保存后，在卫生院电脑的桌面版中生效；当前服务器按启动参数运行（npm run serve -- --host 0.0.0.0 [--https]）。"
            />
          )}
          <Form<LanSettings>
            form={form}
            layout="horizontal"
            labelCol={{ span: 8 }}
            wrapperCol={{ span: 16 }}
            initialValues={{ enabled: false, port: DEFAULT_LAN_PORT, https: false, hostnames: [] }}
            onFinish={(v) => update.mutate(v)}
          >
            <Form.Item name="enabled" label="开启局域网访问" valuePropName="checked" extra="开启后，同一局域网或 VPN 内的村卫生室可用浏览器访问">
              <Switch checkedChildren="开" unCheckedChildren="关" />
            </Form.Item>
            <Form.Item name="port" label="端口" rules={[{ required: true, message: '请填写端口' }]} extra="1024–65535，默认 8686；须在 Windows 防火墙中允许">
              <InputNumber min={1024} max={65535} precision={0} style={{ width: 140 }} />
            </Form.Item>
            <Form.Item name="https" label="使用 HTTPS 加密" valuePropName="checked" extra="加密传输密码和数据；各村的设备须先安装本院根证书（见右侧）">
              <Switch checkedChildren="开" unCheckedChildren="关" />
            </Form.Item>
            <Form.Item
              name="hostnames"
              label="其他访问域名"
              extra="可选。若路由器为卫生院电脑设置了域名（如 santong.lan），在此添加；用 IP 地址和本机名访问无需添加，其他域名一律拒绝"
            >
              <Select mode="tags" open={false} suffixIcon={null} placeholder="输入域名后回车" tokenSeparators={[',', ' ', '，']} />
            </Form.Item>
            <Form.Item wrapperCol={{ offset: 8 }}>
              <Button type="primary" htmlType="submit" loading={update.isPending}>
                保存
              </Button>
            </Form.Item>
          </Form>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label="运行状态">
              {s?.running ? <Badge status="success" text="运行中" /> : <Badge status="default" text={s?.settings.enabled ? '未运行' : '未开启'} />}
            </Descriptions.Item>
            <Descriptions.Item label="访问地址">
              {s?.urls.length ? (
                <Space orientation="vertical" size={2}>
                  {s.urls.map((u) => (
                    <Typography.Text key={u} copyable>
                      {u}
                    </Typography.Text>
                  ))}
                </Space>
              ) : (
                '—'
              )}
            </Descriptions.Item>
          </Descriptions>
          {s?.error && <Alert type="error" showIcon style={{ marginTop: 12 }} title={s.error} />}
          {firstUrl && (
            <Space align="start" style={{ marginTop: 16 }} wrap>
              <QRCode value={firstUrl} size={140} />
              <Typography.Paragraph type="secondary" style={{ maxWidth: 260 }}>
                请把访问地址告诉村医，或让村医用手机扫描二维码打开。村医用管理员为其创建的账号登录，只能看到本卫生室的数据。
              </Typography.Paragraph>
            </Space>
          )}
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card
          title={
            <Space>
              <SafetyCertificateOutlined />
              HTTPS 根证书
            </Space>
          }
          extra={
            <Button icon={<DownloadOutlined />} onClick={() => void downloadCa()} loading={downloading}>
              下载根证书
            </Button>
          }
        >
          <Typography.Paragraph>
            本系统为卫生院自动生成专用的根证书（保存在数据目录的 tls 文件夹中）。各村卫生室的电脑和手机安装并信任一次，即可用 https 地址安全访问；卫生院电脑的
            IP 变化时服务器证书会自动更新，无需重新安装。
          </Typography.Paragraph>
          {s?.certificate && s.certificate.namesOutsideCa.length > 0 && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              title={`根证书无权担保这些名称：${s.certificate.namesOutsideCa.join('、')}。服务器证书不含它们，村里请改用上面“适用的地址”中的地址访问。`}
            />
          )}
          {s?.certificate ? (
            <Descriptions column={1} size="small" bordered style={{ marginBottom: 16 }}>
              <Descriptions.Item label="根证书指纹（SHA-256）">
                <Typography.Text code copyable style={{ wordBreak: 'break-all', fontSize: 12 }}>
                  {s.certificate.caFingerprint}
                </Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label="根证书有效期至">{formatChinaDateTime(s.certificate.caValidTo, false).slice(0, 10)}</Descriptions.Item>
              <Descriptions.Item label="服务器证书有效期至">
                {s.certificate.serverValidTo
                  ? `${formatChinaDateTime(s.certificate.serverValidTo, false).slice(0, 10)}（到期前自动更新）`
                  : '开启 HTTPS 时生成'}
              </Descriptions.Item>
              <Descriptions.Item label="适用的地址">{s.certificate.names.join('、') || '开启 HTTPS 时生成'}</Descriptions.Item>
              <Descriptions.Item label="根证书限定范围">
                {s.certificate.caLimitedTo
                  ? `只能用于本机名称和内网地址：${s.certificate.caLimitedTo.join('、')}`
                  : '旧版本生成的根证书，没有名称限制（删除数据目录 tls 文件夹后重新生成即可加上限制，各村需重新安装）'}
              </Descriptions.Item>
            </Descriptions>
          ) : (
            <Alert type="info" showIcon style={{ marginBottom: 16 }} title="尚未生成证书：开启 HTTPS 或点击“下载根证书”时自动生成。" />
          )}
          {firstUrl && (
            <Space align="start" style={{ marginBottom: 16 }} wrap>
              <QRCode value={`${firstUrl.replace(/\/$/, '')}/santong-ca.crt`} size={120} />
              <Typography.Paragraph type="secondary" style={{ maxWidth: 280 }}>
                证书下载地址：
                <Typography.Text copyable>{`${firstUrl.replace(/\/$/, '')}/santong-ca.crt`}</Typography.Text>
                <br />
                已开启 HTTPS 而设备尚未安装证书时，浏览器会提示“不安全”，可选择“继续访问”下载证书；安装后不再提示。安装前请核对指纹与上方一致。
              </Typography.Paragraph>
            </Space>
          )}
          <Collapse items={TRUST_STEPS} size="small" />
        </Card>
      </Col>
    </Row>
  );
}
