#include "hookmeprocess.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;

QByteArray HttpAnswer::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

HookmeProcess::HookmeProcess(const QString &dataDir, const QMap<QString, QString> &settings)
    : m_dataDir(dataDir), m_settings(settings)
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    QObject::connect(&m_process, &QProcess::readyRead, &m_process,
                     [this] { m_output += m_process.readAll(); });
}

HookmeProcess::~HookmeProcess()
{
    if (m_process.state() != QProcess::NotRunning)
        kill();
    // What the service said is the first thing to read when a test fails.
    if (QTest::currentTestFailed()) {
        m_output += m_process.readAll();
        qWarning().noquote() << "hookme's output:\n" << QString::fromUtf8(m_output);
    }
}

bool HookmeProcess::start()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"DATA_DIR"_s, m_dataDir);
    environment.insert(u"PORT"_s, u"0"_s);
    environment.insert(u"LISTEN_ADDRESS"_s, u"127.0.0.1"_s);
    for (auto it = m_settings.cbegin(); it != m_settings.cend(); ++it)
        environment.insert(it.key(), it.value());
    m_process.setProcessEnvironment(environment);

    m_output.clear();
    m_port = 0;
    m_process.start(QStringLiteral(HOOKME_BINARY), {});
    if (!m_process.waitForStarted(10'000))
        return false;

    // The service names its port in its start-up line.
    // Only a whole line counts: the output may arrive in the middle of the number.
    static const QRegularExpression listening(u"listening on [^ ]+:(\\d+)\\n"_s);
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 15'000 && m_process.state() == QProcess::Running) {
        const QRegularExpressionMatch match = listening.match(QString::fromUtf8(m_output));
        if (match.hasMatch()) {
            m_port = quint16(match.captured(1).toUInt());
            return true;
        }
        QTest::qWait(20);
    }
    qWarning().noquote() << "hookme did not start:" << m_output;
    return false;
}

void HookmeProcess::kill()
{
    ::kill(pid_t(m_process.processId()), SIGKILL);
    m_process.waitForFinished(10'000);
}

int HookmeProcess::terminate()
{
    m_process.terminate();
    m_process.waitForFinished(10'000);
    return m_process.exitCode();
}

QUrl HookmeProcess::url(const QString &path) const
{
    return QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(path));
}

QString HookmeProcess::output() const
{
    return QString::fromUtf8(m_output);
}

HttpAnswer HookmeProcess::get(const QString &path)
{
    return send("GET", path, {}, {});
}

HttpAnswer HookmeProcess::postJson(const QString &path, const QByteArray &body,
                                   const QByteArray &contentType)
{
    return send("POST", path, body, contentType);
}

HttpAnswer HookmeProcess::submit(const QString &owner, const QString &repository)
{
    const QJsonObject body { { u"username"_s, owner }, { u"repository"_s, repository } };
    return postJson(u"/tasks"_s, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

HttpAnswer HookmeProcess::send(const QByteArray &method, const QString &path,
                               const QByteArray &body, const QByteArray &contentType)
{
    QNetworkRequest request(url(path));
    request.setTransferTimeout(10'000);
    if (!contentType.isEmpty())
        request.setRawHeader("Content-Type", contentType);
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
    if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 15'000))
        reply->abort();

    HttpAnswer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (answer.status == 0)
        qWarning() << "request failed:" << request.url() << reply->errorString();
    answer.body = reply->readAll();
    answer.headers = reply->rawHeaderPairs();
    reply->deleteLater();
    return answer;
}
