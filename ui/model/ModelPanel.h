#pragma once

#include "model/ModelRunController.h"

#include <QWidget>

class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableView;

namespace accel {
class Clock;
class ModelLayerModel;
class ResourcePool;
struct PoolHostInfo;
} // namespace accel

namespace accel::ui {

/// The Model panel: load a model (a Hugging Face folder with config.json + model.safetensors, or
/// the built-in demo with random weights), see its shape and a table of its parts, and run a layer
/// range on one pool host, checked against the native reference computed in the background.
///
/// The work is done by a ModelRunController (child of this panel); this widget only shows it:
/// nothing here blocks the GUI thread. The pool is not owned and may be destroyed first.
class ModelPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ModelPanel(ResourcePool *pool, const Clock *clock = nullptr, QWidget *parent = nullptr);
    ~ModelPanel() override;

    ModelRunController *controller() const { return m_controller; }
    ModelLayerModel *layerModel() const { return m_layers; }

    /// Same as the buttons (the folder one without its dialog).
    void loadFolder(const QString &dir);
    void loadDemo();
    void run();
    void cancel();

    // Widgets and texts, for the window's wiring and for tests.
    QPushButton *runButton() const { return m_runButton; }
    QPushButton *cancelButton() const { return m_cancelButton; }
    QComboBox *hostCombo() const { return m_hostCombo; }
    QComboBox *backendCombo() const { return m_backendCombo; }
    QSpinBox *firstLayerSpin() const { return m_firstLayer; }
    QSpinBox *lastLayerSpin() const { return m_lastLayer; }
    QLineEdit *tokensEdit() const { return m_tokens; }
    QTableView *layerTable() const { return m_table; }
    QString modelStatusText() const;
    QString modelInfoText() const;
    QString tokenMessage() const;
    QString statusText() const;
    QString checkText() const;
    QString resultText() const;
    /// Selects a host of the combo by id; false if it is not listed.
    bool selectHost(const QString &hostId);

private:
    QWidget *createModelBox();
    QWidget *createRunBox();
    void openFolderDialog();
    void onModelLoaded();
    void onModelLoadFailed(const QString &message);
    void refreshHosts();
    void updateBackends();
    void validateTokens();
    void updateActions();
    void onPhase(ModelRunController::Phase phase);
    void onUpload(qint64 sentBytes, qint64 stageBytes);
    void showReport();
    void onRunEnded();

    ResourcePool *m_pool;
    ModelRunController *m_controller;
    ModelLayerModel *m_layers;

    QPushButton *m_openButton = nullptr;
    QPushButton *m_demoButton = nullptr;
    QLabel *m_modelStatus = nullptr;
    QLabel *m_demoWarning = nullptr;
    QLabel *m_modelInfo = nullptr;
    QTableView *m_table = nullptr;

    QComboBox *m_hostCombo = nullptr;
    QComboBox *m_backendCombo = nullptr;
    QSpinBox *m_firstLayer = nullptr;
    QSpinBox *m_lastLayer = nullptr;
    QLineEdit *m_tokens = nullptr;
    QLabel *m_tokenMessage = nullptr;
    QPushButton *m_runButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_check = nullptr;
    QLabel *m_result = nullptr;

    std::vector<int> m_tokenIds; ///< the validated ids, empty while the input is invalid
    bool m_tokensValid = false;
};

} // namespace accel::ui
