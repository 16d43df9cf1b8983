// The base of the test servers: a QHttpServer on 127.0.0.1 that hands every request, whatever
// its path or method, to handle(). Answers that a subclass delays (ServerAnswer) are its
// children and are dropped, unanswered, when it goes.
#pragma once

#include <QObject>
#include <QString>
#include <QUrl>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;

class LoopbackServer : public QObject
{
    Q_OBJECT

public:
    explicit LoopbackServer(QObject *parent = nullptr);
    ~LoopbackServer() override;

    // Listens on 127.0.0.1; port 0 picks a free one. On failure see errorString().
    bool listen(quint16 port = 0);
    quint16 port() const { return m_port; }
    QString errorString() const { return m_errorString; }
    QUrl rootUrl() const;  // http://127.0.0.1:PORT, without a trailing slash

protected:
    virtual void handle(const QHttpServerRequest &request, QHttpServerResponder &&responder) = 0;

private:
    QHttpServer *m_server = nullptr;
    quint16 m_port = 0;
    QString m_errorString;
};
