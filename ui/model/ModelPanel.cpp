#include "model/ModelPanel.h"

#include "hosts/HostKind.h"
#include "model/ModelLayerModel.h"
#include "model/ModelRunText.h"
#include "model/TokenIds.h"
#include "pool/ResourcePool.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace accel::ui {

namespace {

constexpr int kHostIdRole = Qt::UserRole + 1;
constexpr double kMiB = 1024.0 * 1024.0;
const char *const kBackends[] = {"auto", "webgpu", "webnn", "wasm", "js"};

QString colored(const QString &text, const char *color)
{
    return QStringLiteral("<span style=\"color:%1\">%2</span>")
        .arg(QLatin1String(color), text.toHtmlEscaped());
}

void setMessage(QLabel *label, const QString &text, bool error)
{
    label->setText(text);
    label->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

} // namespace

ModelPanel::ModelPanel(ResourcePool *pool, const Clock *clock, QWidget *parent)
    : QWidget(parent)
    , m_pool(pool)
    , m_controller(new ModelRunController(pool, clock, this))
    , m_layers(new ModelLayerModel(this))
{
    setObjectName(QStringLiteral("modelPanel"));
    auto *top = new QHBoxLayout;
    m_openButton = new QPushButton(tr("Open folder…"), this);
    m_openButton->setToolTip(tr("Load a Hugging Face model folder (config.json + model.safetensors)"));
    m_demoButton = new QPushButton(tr("Demo model"), this);
    m_demoButton->setToolTip(tr("Load the built-in GPT-2-shaped demo model (random weights)"));
    m_modelStatus = new QLabel(tr("No model loaded"), this);
    m_modelStatus->setWordWrap(true);
    m_modelStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    top->addWidget(m_openButton);
    top->addWidget(m_demoButton);
    top->addWidget(m_modelStatus, 1);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(createModelBox());
    split->addWidget(createRunBox());
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(split, 1);

    connect(m_openButton, &QPushButton::clicked, this, &ModelPanel::openFolderDialog);
    connect(m_demoButton, &QPushButton::clicked, this, &ModelPanel::loadDemo);
    connect(m_runButton, &QPushButton::clicked, this, &ModelPanel::run);
    connect(m_cancelButton, &QPushButton::clicked, this, &ModelPanel::cancel);
    connect(m_controller, &ModelRunController::modelLoaded, this, &ModelPanel::onModelLoaded);
    connect(m_controller, &ModelRunController::modelLoadFailed, this, &ModelPanel::onModelLoadFailed);
    connect(m_controller, &ModelRunController::phaseChanged, this, &ModelPanel::onPhase);
    connect(m_controller, &ModelRunController::uploadProgress, this, &ModelPanel::onUpload);
    connect(m_controller, &ModelRunController::reportChanged, this, &ModelPanel::showReport);
    connect(m_controller, &ModelRunController::runEnded, this, &ModelPanel::onRunEnded);
    connect(m_hostCombo, &QComboBox::currentIndexChanged, this, [this]() {
        updateBackends();
        updateActions();
    });
    connect(m_tokens, &QLineEdit::textChanged, this, &ModelPanel::validateTokens);
    connect(m_firstLayer, &QSpinBox::valueChanged, this, [this](int first) {
        if (m_lastLayer->value() <= first) {
            m_lastLayer->setValue(first + 1);
        }
    });
    connect(m_lastLayer, &QSpinBox::valueChanged, this, [this](int last) {
        if (m_firstLayer->value() >= last) {
            m_firstLayer->setValue(last - 1);
        }
    });
    if (pool) {
        connect(pool, &ResourcePool::hostsUpdated, this, &ModelPanel::refreshHosts);
        connect(pool, &ResourcePool::hostAdded, this, &ModelPanel::refreshHosts);
        connect(pool, &ResourcePool::hostRemoved, this, &ModelPanel::refreshHosts);
    }
    refreshHosts();
    validateTokens();
}

ModelPanel::~ModelPanel() = default;

QWidget *ModelPanel::createModelBox()
{
    auto *box = new QGroupBox(tr("Model"), this);
    m_demoWarning = new QLabel(tr("Demo model: random weights (not a trained model). Its outputs are "
                                  "meaningless; it exists to exercise hosts and kernels."),
                               box);
    m_demoWarning->setWordWrap(true);
    m_demoWarning->setStyleSheet(QStringLiteral("color: #9a5b00; font-weight: bold;"));
    m_demoWarning->hide();
    m_modelInfo = new QLabel(box);
    m_modelInfo->setTextFormat(Qt::RichText);
    m_modelInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_table = new QTableView(box);
    m_table->setModel(m_layers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(m_demoWarning);
    layout->addWidget(m_modelInfo);
    layout->addWidget(m_table, 1);
    return box;
}

QWidget *ModelPanel::createRunBox()
{
    auto *box = new QGroupBox(tr("Run on a host"), this);
    m_hostCombo = new QComboBox(box);
    m_hostCombo->setToolTip(tr("Connected hosts of the pool: id, kind, state and health"));
    m_backendCombo = new QComboBox(box);
    for (const char *name : kBackends) {
        m_backendCombo->addItem(QString::fromLatin1(name), QString::fromLatin1(name));
    }
    m_backendCombo->setItemText(0, tr("auto (fastest measured)"));
    m_firstLayer = new QSpinBox(box);
    m_lastLayer = new QSpinBox(box);
    m_firstLayer->setRange(0, 0);
    m_lastLayer->setRange(0, 0);
    m_firstLayer->setToolTip(tr("First layer (0 = from token ids; later layers start from the reference's "
                                "hidden state)"));
    m_lastLayer->setToolTip(tr("End of the range (exclusive)"));
    auto *range = new QHBoxLayout;
    range->addWidget(m_firstLayer);
    range->addWidget(new QLabel(tr("to"), box));
    range->addWidget(m_lastLayer);
    range->addStretch(1);
    m_tokens = new QLineEdit(QStringLiteral("3, 17, 255, 1000, 42, 7, 512"), box);
    m_tokens->setPlaceholderText(tr("token ids, e.g. 464, 2068, 7586"));
    m_tokenMessage = new QLabel(box);
    m_tokenMessage->setWordWrap(true);
    m_runButton = new QPushButton(tr("Run"), box);
    m_cancelButton = new QPushButton(tr("Cancel"), box);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_runButton);
    buttons->addWidget(m_cancelButton);
    buttons->addStretch(1);
    m_status = new QLabel(box);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_check = new QLabel(box);
    m_check->setTextFormat(Qt::RichText);
    m_check->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result = new QLabel(box);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result->setAlignment(Qt::AlignTop | Qt::AlignLeft);

    auto *form = new QFormLayout;
    form->addRow(tr("Host:"), m_hostCombo);
    form->addRow(tr("Backend:"), m_backendCombo);
    form->addRow(tr("Layers:"), range);
    form->addRow(tr("Token ids:"), m_tokens);
    form->addRow(QString(), m_tokenMessage);
    auto *layout = new QVBoxLayout(box);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(m_check);
    layout->addWidget(m_result, 1);
    return box;
}

void ModelPanel::openFolderDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Open a model folder (config.json + model.safetensors)"), m_controller->modelSource());
    if (!dir.isEmpty()) {
        loadFolder(dir);
    }
}

void ModelPanel::loadFolder(const QString &dir)
{
    setMessage(m_modelStatus, tr("Loading %1…").arg(dir), false);
    m_controller->loadFolder(dir);
    updateActions();
}

void ModelPanel::loadDemo()
{
    setMessage(m_modelStatus, tr("Building the demo model…"), false);
    m_controller->loadDemo();
    updateActions();
}

void ModelPanel::onModelLoaded()
{
    const ModelConfig &c = m_controller->config();
    m_layers->setConfig(c);
    m_table->resizeColumnsToContents();
    const bool gpt2 = c.architecture == ModelConfig::Architecture::DecoderGpt2;
    const QLocale locale;
    const QString arch = gpt2 ? tr("GPT-2 (decoder, causal)") : tr("BERT (encoder, bidirectional)");
    QString rows;
    auto row = [&rows](const QString &key, const QString &value) {
        rows += QStringLiteral("<tr><td>%1&nbsp;</td><td><b>%2</b></td></tr>")
                    .arg(key.toHtmlEscaped(), value.toHtmlEscaped());
    };
    row(tr("Name"), m_controller->isDemo() ? tr("demo") : m_controller->modelSource());
    row(tr("Architecture"), arch);
    row(tr("Family"), ModelConfig::familyName(c.family));
    row(tr("Hidden size"), locale.toString(c.hiddenSize));
    row(tr("Heads"), locale.toString(c.headCount));
    row(tr("Layers"), locale.toString(c.layerCount));
    row(tr("Vocabulary"), locale.toString(c.vocabSize));
    row(tr("Positions"), locale.toString(c.maxPositions));
    row(tr("Parameters"), locale.toString(m_layers->totalParameters()));
    row(tr("Float32 bytes"), tr("%1 (%2 MiB)")
                                 .arg(locale.toString(m_layers->totalBytes()))
                                 .arg(double(m_layers->totalBytes()) / kMiB, 0, 'f', 1));
    m_modelInfo->setText(QStringLiteral("<table>%1</table>").arg(rows));
    m_demoWarning->setVisible(m_controller->isDemo());
    setMessage(m_modelStatus,
               m_controller->isDemo() ? tr("Loaded the demo model (random weights, not a trained model)")
                                      : tr("Loaded %1").arg(m_controller->modelSource()),
               false);
    m_firstLayer->setRange(0, std::max(0, c.layerCount - 1));
    m_lastLayer->setRange(1, std::max(1, c.layerCount));
    m_firstLayer->setValue(0);
    m_lastLayer->setValue(c.layerCount);
    m_check->clear();
    m_result->clear();
    m_status->clear();
    validateTokens();
}

void ModelPanel::onModelLoadFailed(const QString &message)
{
    setMessage(m_modelStatus, tr("Could not load the model: %1").arg(message), true);
    updateActions();
}

void ModelPanel::refreshHosts()
{
    const QList<PoolHostInfo> hosts = m_pool ? m_pool->hosts() : QList<PoolHostInfo>();
    const QString current = m_hostCombo->currentData(kHostIdRole).toString();
    bool sameIds = m_hostCombo->count() == hosts.size();
    for (qsizetype i = 0; sameIds && i < hosts.size(); ++i) {
        sameIds = m_hostCombo->itemData(int(i), kHostIdRole).toString() == hosts.at(i).id;
    }
    if (sameIds) {
        for (qsizetype i = 0; i < hosts.size(); ++i) {
            m_hostCombo->setItemText(int(i), ModelRunText::hostLabel(hosts.at(i)));
        }
    } else {
        const QSignalBlocker block(m_hostCombo);
        m_hostCombo->clear();
        int select = -1;
        for (const PoolHostInfo &info : hosts) {
            m_hostCombo->addItem(ModelRunText::hostLabel(info));
            m_hostCombo->setItemData(m_hostCombo->count() - 1, info.id, kHostIdRole);
            if (info.id == current ||
                (select < 0 && current.isEmpty() && info.state == PoolHostState::Ready)) {
                select = m_hostCombo->count() - 1;
            }
        }
        m_hostCombo->setCurrentIndex(select >= 0 ? select : (hosts.isEmpty() ? -1 : 0));
    }
    updateBackends();
    updateActions();
}

bool ModelPanel::selectHost(const QString &hostId)
{
    const int i = m_hostCombo->findData(hostId, kHostIdRole);
    if (i < 0) {
        return false;
    }
    m_hostCombo->setCurrentIndex(i);
    return true;
}

void ModelPanel::updateBackends()
{
    const QString id = m_hostCombo->currentData(kHostIdRole).toString();
    const std::optional<PoolHostInfo> info = m_pool && !id.isEmpty() ? m_pool->host(id) : std::nullopt;
    auto *items = qobject_cast<QStandardItemModel *>(m_backendCombo->model());
    if (!items) {
        return;
    }
    for (int i = 0; i < m_backendCombo->count(); ++i) {
        const QString name = m_backendCombo->itemData(i).toString();
        bool offered = true;
        if (info && info->state == PoolHostState::Ready) {
            if (name == QLatin1String("webgpu")) {
                offered = info->webGpu;
            } else if (name == QLatin1String("webnn")) {
                offered = info->webNn;
            } else if (name == QLatin1String("wasm")) {
                offered = info->wasm;
            }
        }
        if (QStandardItem *item = items->item(i)) {
            item->setEnabled(offered);
            item->setToolTip(offered ? QString() : tr("This host does not offer %1").arg(name));
        }
    }
    if (auto *item = items->item(m_backendCombo->currentIndex()); item && !item->isEnabled()) {
        m_backendCombo->setCurrentIndex(0);
    }
}

void ModelPanel::validateTokens()
{
    m_tokenIds.clear();
    m_tokensValid = false;
    if (!m_controller->hasModel()) {
        setMessage(m_tokenMessage, tr("Load a model to check token ids against its vocabulary."), false);
        updateActions();
        return;
    }
    const ModelConfig &c = m_controller->config();
    const TokenIds parsed = TokenIds::parse(m_tokens->text(), c.vocabSize, c.maxPositions);
    m_tokensValid = parsed.isValid();
    m_tokenIds = parsed.ids;
    setMessage(m_tokenMessage, ModelRunText::tokenMessage(parsed), !m_tokensValid);
    updateActions();
}

void ModelPanel::updateActions()
{
    const bool busy = m_controller->isRunning() || m_controller->isLoading();
    m_openButton->setEnabled(!busy);
    m_demoButton->setEnabled(!busy);
    m_cancelButton->setEnabled(m_controller->isRunning());
    QString why;
    const QString id = m_hostCombo->currentData(kHostIdRole).toString();
    const std::optional<PoolHostInfo> info = m_pool && !id.isEmpty() ? m_pool->host(id) : std::nullopt;
    if (!m_controller->hasModel()) {
        why = tr("Load a model first");
    } else if (busy) {
        why = tr("A run is in progress");
    } else if (!m_tokensValid) {
        why = tr("Fix the token ids first");
    } else if (!info) {
        why = tr("No host selected");
    } else if (info->state != PoolHostState::Ready) {
        why = tr("Host %1 is not ready").arg(info->id);
    } else if (info->breaker == BreakerState::Open || info->breaker == BreakerState::ForcedOpen) {
        why = tr("Host %1's breaker is %2: it takes no work now").arg(info->id, toString(info->breaker));
    }
    m_runButton->setEnabled(why.isEmpty());
    m_runButton->setToolTip(why.isEmpty() ? tr("Deploy the layers on the host, run them and check the result")
                                          : why);
}

void ModelPanel::run()
{
    ModelRunController::RunRequest request;
    request.hostId = m_hostCombo->currentData(kHostIdRole).toString();
    request.backend = m_backendCombo->currentData().toString();
    request.firstLayer = m_firstLayer->value();
    request.lastLayer = m_lastLayer->value();
    request.tokens = m_tokenIds;
    ModelRunController::Refusal refusal = ModelRunController::Refusal::None;
    QString detail;
    m_check->clear();
    m_result->clear();
    if (!m_tokensValid || !m_controller->start(request, &refusal, &detail)) {
        setMessage(m_status,
                   m_tokensValid ? ModelRunText::refusal(refusal, detail) : tr("Fix the token ids first."),
                   true);
        updateActions();
        return;
    }
    updateActions();
}

void ModelPanel::cancel()
{
    m_controller->cancel();
}

void ModelPanel::onPhase(ModelRunController::Phase phase)
{
    const ModelRunController::RunReport &r = m_controller->report();
    switch (phase) {
    case ModelRunController::Phase::Idle:
    case ModelRunController::Phase::Loading:
        break;
    case ModelRunController::Phase::Deploying:
        setMessage(m_status,
                   tr("Deploying layers %1 to %2 on %3…").arg(r.firstLayer).arg(r.lastLayer).arg(r.hostId),
                   false);
        break;
    case ModelRunController::Phase::Uploading:
        break; // onUpload says how much
    case ModelRunController::Phase::Running:
        setMessage(m_status, tr("Running %n token(s) on %1…", nullptr, r.seqLen).arg(r.hostId), false);
        break;
    case ModelRunController::Phase::Checking:
        setMessage(m_status, tr("Checking against the native reference…"), false);
        break;
    }
    updateActions();
}

void ModelPanel::onUpload(qint64 sentBytes, qint64 stageBytes)
{
    setMessage(m_status,
               tr("Uploading weights: %1 of %2 MiB sent to %3…")
                   .arg(double(sentBytes) / kMiB, 0, 'f', 1)
                   .arg(double(stageBytes) / kMiB, 0, 'f', 1)
                   .arg(m_controller->report().hostId),
               false);
}

void ModelPanel::showReport()
{
    const ModelRunController::RunReport &r = m_controller->report();
    m_result->setText(ModelRunText::reportLines(r));
    const QString check = ModelRunText::checkLine(r);
    m_check->setText(check.isEmpty() ? QString() : colored(check, r.passed ? "#1b7f1b" : "#b00020"));
}

void ModelPanel::onRunEnded()
{
    const ModelRunController::RunReport &r = m_controller->report();
    if (r.cancelled) {
        setMessage(m_status, tr("Cancelled."), false);
    } else if (!r.errorCode.isEmpty()) {
        setMessage(m_status, tr("Run failed (%1): %2").arg(r.errorCode, r.errorMessage), true);
    } else {
        setMessage(m_status, tr("Done on %1.").arg(r.hostId), false);
    }
    showReport();
    updateActions();
}

QString ModelPanel::modelStatusText() const
{
    return m_modelStatus->text();
}

QString ModelPanel::modelInfoText() const
{
    QString text = m_modelInfo->text();
    if (!m_demoWarning->isHidden()) {
        text.prepend(m_demoWarning->text() + QLatin1Char('\n'));
    }
    return text;
}

QString ModelPanel::tokenMessage() const
{
    return m_tokenMessage->text();
}

QString ModelPanel::statusText() const
{
    return m_status->text();
}

QString ModelPanel::checkText() const
{
    return m_check->text();
}

QString ModelPanel::resultText() const
{
    return m_result->text();
}

} // namespace accel::ui
