// The listening socket of the HTTP API. It keeps what clients can make the service hold in
// bounds, where QHttpServer 6.4 does not:
//   - a request body over the limit is refused with 413 before QHttpServer reads it
//     (QHttpServer reads a body of any size into memory);
//   - a request not complete within `requestTimeout`, or a connection idle for
//     `idleTimeout`, is closed;
//   - past `maxConnections` open connections, a new one is answered 503 and closed;
//   - "Connection: close" and HTTP/1.0 requests get their connection closed after the answer.
#pragma once

#include <QTcpServer>

namespace hookme {

class BoundedTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    struct Limits {
        qint64 maxBodyBytes = 64 * 1024;
        qint64 maxHeaderBytes = 16 * 1024;  // beyond the body limit
        int maxConnections = 1000;
        int requestTimeoutMs = 30'000;
        int idleTimeoutMs = 120'000;
    };

    explicit BoundedTcpServer(const Limits &limits, QObject *parent = nullptr);

    int openConnections() const { return m_openConnections; }

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    Limits m_limits;
    int m_openConnections = 0;
};

} // namespace hookme
