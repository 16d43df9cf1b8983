#include "loopbackserver.h"

#include "serveranswer.h"

#include <QHttpServer>
#include <QHttpServerRouterRule>
#include <QTcpServer>

using namespace Qt::StringLiterals;

namespace {

// Matches every request, so that one handler sees them all (QHttpServer 6.4 is final and
// answers unrouted requests itself with an empty 404).
class AnyPathRule : public QHttpServerRouterRule
{
public:
    using QHttpServerRouterRule::QHttpServerRouterRule;

protected:
    bool matches(const QHttpServerRequest &, QRegularExpressionMatch *) const override
    {
        return true;
    }
};

} // namespace

LoopbackServer::LoopbackServer(QObject *parent) : QObject(parent), m_server(new QHttpServer(this))
{
    m_server->route<AnyPathRule>(u"/"_s,
                                 [this](const QHttpServerRequest &request,
                                        QHttpServerResponder &&responder) {
                                     handle(request, std::move(responder));
                                 });
}

LoopbackServer::~LoopbackServer()
{
    // Delayed answers hold responders on the server's sockets: they go first.
    hookme::test::ServerAnswer::dropPending(this);
    delete m_server;
    m_server = nullptr;
}

bool LoopbackServer::listen(quint16 port)
{
    if (m_port != 0)
        return true;

    auto *tcpServer = new QTcpServer(m_server);
    if (!tcpServer->listen(QHostAddress::LocalHost, port)) {
        m_errorString = u"cannot listen on 127.0.0.1:%1: %2"_s.arg(port).arg(
                tcpServer->errorString());
        delete tcpServer;
        return false;
    }

    m_server->bind(tcpServer);
    m_port = tcpServer->serverPort();
    m_errorString.clear();
    return true;
}

QUrl LoopbackServer::rootUrl() const
{
    return QUrl(u"http://127.0.0.1:%1"_s.arg(m_port));
}
