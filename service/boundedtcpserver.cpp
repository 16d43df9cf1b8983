#include "boundedtcpserver.h"

#include "apierror.h"

#include <QLoggingCategory>
#include <QTcpSocket>
#include <QTimer>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcHttpLimits, "hookme.http.limits", QtInfoMsg)

namespace hookme {

namespace {

// Writes a whole HTTP answer with an ApiError body and closes the connection.
void answerAndClose(QTcpSocket *socket, const ApiError &error, const QByteArray &reason)
{
    const QByteArray body = error.toJson();
    socket->write("HTTP/1.1 " + QByteArray::number(error.status) + ' ' + reason + "\r\n"
                  "Content-Type: application/json\r\n"
                  "Content-Length: " + QByteArray::number(body.size()) + "\r\n"
                  "Connection: close\r\n\r\n" + body);
    socket->disconnectFromHost();
}

// Watches one connection. Its readyRead slot is connected before QHttpServer's, so it sees
// each chunk of a request first and can stop QHttpServer from ever reading an oversized one.
//
// It counts the bytes received since the last response was written. Clients that wait for a
// response before sending the next request (all but HTTP pipelining) are counted exactly.
// Known limitation: a pipelining client's requests add up, so a long enough pipeline of
// small requests is refused as if it were one large request.
class ConnectionWatch : public QObject
{
public:
    ConnectionWatch(QTcpSocket *socket, const BoundedTcpServer::Limits &limits)
        : QObject(socket), m_socket(socket), m_limits(limits)
    {
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, &ConnectionWatch::onTimeout);
        m_timer.start(m_limits.idleTimeoutMs);

        connect(socket, &QTcpSocket::readyRead, this, &ConnectionWatch::onReadyRead);
        connect(socket, &QTcpSocket::bytesWritten, this, &ConnectionWatch::onBytesWritten);
    }

private:
    void onReadyRead()
    {
        const qint64 available = m_socket->bytesAvailable();
        const bool startOfRequest = m_bytesSinceResponse == 0;
        m_bytesSinceResponse += available;

        if (startOfRequest) {
            m_timer.start(m_limits.requestTimeoutMs);
            const QByteArray head = m_socket->peek(m_limits.maxHeaderBytes);
            m_closeAfterResponse = wantsClose(head);
            if (declaredBodyLength(head) > m_limits.maxBodyBytes) {
                refuse();
                return;
            }
        }
        if (m_bytesSinceResponse > m_limits.maxBodyBytes + m_limits.maxHeaderBytes)
            refuse();
    }

    void onBytesWritten()
    {
        m_bytesSinceResponse = 0;
        m_timer.start(m_limits.idleTimeoutMs);
        if (m_closeAfterResponse && m_socket->bytesToWrite() == 0)
            m_socket->disconnectFromHost();
    }

    void onTimeout()
    {
        qCDebug(lcHttpLimits) << "closing a" << (m_bytesSinceResponse ? "slow" : "idle")
                              << "connection from" << m_socket->peerAddress().toString();
        m_socket->abort();
    }

    // The request's own header lines, up to the blank line (or all that arrived).
    static QList<QByteArray> headerLines(const QByteArray &head)
    {
        const qsizetype end = head.indexOf("\r\n\r\n");
        return (end < 0 ? head : head.left(end)).split('\n');
    }

    static QByteArray headerValue(const QList<QByteArray> &lines, const QByteArray &name)
    {
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray &line = lines.at(i);
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().toLower() == name)
                return line.mid(colon + 1).trimmed().toLower();
        }
        return {};
    }

    static bool wantsClose(const QByteArray &head)
    {
        const QList<QByteArray> lines = headerLines(head);
        const QByteArray connection = headerValue(lines, "connection");
        if (connection.contains("close"))
            return true;
        const bool http10 = lines.first().trimmed().endsWith("HTTP/1.0");
        return http10 && !connection.contains("keep-alive");
    }

    // The Content-Length of the request whose start is buffered, or -1.
    static qint64 declaredBodyLength(const QByteArray &head)
    {
        bool ok = false;
        const qint64 length = headerValue(headerLines(head), "content-length").toLongLong(&ok);
        return ok ? length : -1;
    }

    void refuse()
    {
        qCInfo(lcHttpLimits) << "refused a request body over" << m_limits.maxBodyBytes
                             << "bytes from" << m_socket->peerAddress().toString();

        // QHttpServer's own slot must not see this data: cut every readyRead connection,
        // which also skips the ones still to be called in this emission.
        disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
        m_socket->setReadBufferSize(1);  // stop reading from the network
        answerAndClose(m_socket, ApiError::payloadTooLarge(m_limits.maxBodyBytes),
                       "Payload Too Large");
    }

    QTcpSocket *m_socket;
    BoundedTcpServer::Limits m_limits;
    QTimer m_timer;
    qint64 m_bytesSinceResponse = 0;
    bool m_closeAfterResponse = false;
};

} // namespace

BoundedTcpServer::BoundedTcpServer(const Limits &limits, QObject *parent)
    : QTcpServer(parent), m_limits(limits)
{
}

void BoundedTcpServer::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }

    if (m_openConnections >= m_limits.maxConnections) {
        qCWarning(lcHttpLimits) << "refused a connection: already" << m_openConnections << "open";
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        answerAndClose(socket,
                       { 503, u"too_many_connections"_s,
                         u"the service has too many open connections; try again later"_s, {} },
                       "Service Unavailable");
        return;
    }

    ++m_openConnections;
    connect(socket, &QObject::destroyed, this, [this] { --m_openConnections; });
    new ConnectionWatch(socket, m_limits);
    addPendingConnection(socket);
}

} // namespace hookme
