#include "boundedtcpserver.h"

#include "apierror.h"

#include <QLoggingCategory>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcHttpLimits, "hookme.http.limits", QtInfoMsg)

namespace hookme {

namespace {

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
    ConnectionWatch(QTcpSocket *socket, qint64 maxBodyBytes)
        : QObject(socket), m_socket(socket), m_maxBodyBytes(maxBodyBytes)
    {
        connect(socket, &QTcpSocket::readyRead, this, &ConnectionWatch::onReadyRead);
        connect(socket, &QTcpSocket::bytesWritten, this, [this] { m_bytesSinceResponse = 0; });
    }

private:
    void onReadyRead()
    {
        const qint64 available = m_socket->bytesAvailable();
        const bool startOfRequest = m_bytesSinceResponse == 0;
        m_bytesSinceResponse += available;

        if (startOfRequest && declaredBodyLength() > m_maxBodyBytes) {
            refuse();
            return;
        }
        if (m_bytesSinceResponse > m_maxBodyBytes + BoundedTcpServer::maxHeaderBytes)
            refuse();
    }

    // The Content-Length of the request whose start is buffered, or -1.
    qint64 declaredBodyLength() const
    {
        const QByteArray head = m_socket->peek(BoundedTcpServer::maxHeaderBytes);
        const qsizetype headerEnd = head.indexOf("\r\n\r\n");
        const QByteArray headers = headerEnd < 0 ? head : head.left(headerEnd);
        for (const QByteArray &line : headers.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon < 0 || line.left(colon).trimmed().toLower() != "content-length")
                continue;
            bool ok = false;
            const qint64 length = line.mid(colon + 1).trimmed().toLongLong(&ok);
            return ok ? length : -1;
        }
        return -1;
    }

    void refuse()
    {
        qCInfo(lcHttpLimits) << "refused a request body over" << m_maxBodyBytes << "bytes from"
                             << m_socket->peerAddress().toString();

        // QHttpServer's own slot must not see this data: cut every readyRead connection,
        // which also skips the ones still to be called in this emission.
        disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
        m_socket->setReadBufferSize(1);  // stop reading from the network

        const QByteArray body = ApiError::payloadTooLarge(m_maxBodyBytes).toJson();
        m_socket->write("HTTP/1.1 413 Payload Too Large\r\n"
                        "Content-Type: application/json\r\n"
                        "Content-Length: " + QByteArray::number(body.size()) + "\r\n"
                        "Connection: close\r\n\r\n" + body);
        m_socket->disconnectFromHost();
    }

    QTcpSocket *m_socket;
    qint64 m_maxBodyBytes;
    qint64 m_bytesSinceResponse = 0;
};

} // namespace

BoundedTcpServer::BoundedTcpServer(qint64 maxBodyBytes, QObject *parent)
    : QTcpServer(parent), m_maxBodyBytes(maxBodyBytes)
{
}

void BoundedTcpServer::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    new ConnectionWatch(socket, m_maxBodyBytes);
    addPendingConnection(socket);
}

} // namespace hookme
