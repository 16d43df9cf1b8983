// The listening socket of the HTTP API. It refuses a request whose body is larger than the
// limit with 413 and closes the connection, before QHttpServer would buffer it: QHttpServer
// 6.4 reads a request body of any size into memory.
#pragma once

#include <QTcpServer>

namespace hookme {

class BoundedTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    explicit BoundedTcpServer(qint64 maxBodyBytes, QObject *parent = nullptr);

    // Headers beyond the body limit that a request may carry.
    static constexpr qint64 maxHeaderBytes = 16 * 1024;

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    qint64 m_maxBodyBytes;
};

} // namespace hookme
