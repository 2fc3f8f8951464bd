"""A stand-in for TFLite Micro's ``tflite::MicroMutableOpResolver<N>``, to compile ``kws export-c``'s resolver code
against without TFLite Micro (tests only).

The method names are copied by hand from tensorflow/lite/micro/micro_mutable_op_resolver.h (tflite-micro, 2026):
every public ``TfLiteStatus AddX()``, so a name the header does not have fails to compile, as it would against the
real class. Like the real one, the stub refuses an op registered twice and more ops than N (it returns
``kTfLiteError``), and counts what it took (``GetRegistrationLength``).
"""

from __future__ import annotations

# every public no-argument Add* of MicroMutableOpResolver (AddCustom takes a name and a registration)
TFLM_ADD_METHODS = tuple("""
    AddAbs AddAdd AddAddN AddArgMax AddArgMin AddAssignVariable AddAveragePool2D AddBatchMatMul AddBatchToSpaceNd
    AddBroadcastArgs AddBroadcastTo AddCallOnce AddCast AddCeil AddCircularBuffer AddConcatenation AddConv2D AddCos
    AddCumSum AddDecode AddDelay AddDepthToSpace AddDepthwiseConv2D AddDequantize AddDetectionPostprocess AddDiv
    AddDynamicUpdateSlice AddElu AddEmbeddingLookup AddEnergy AddEqual AddEthosU AddExp AddExpandDims AddFftAutoScale
    AddFill AddFilterBank AddFilterBankLog AddFilterBankSpectralSubtraction AddFilterBankSquareRoot AddFloor
    AddFloorDiv AddFloorMod AddFramer AddFullyConnected AddGather AddGatherNd AddGreater AddGreaterEqual AddHardSwish
    AddIf AddIrfft AddL2Normalization AddL2Pool2D AddLeakyRelu AddLess AddLessEqual AddLog AddLogSoftmax
    AddLogicalAnd AddLogicalNot AddLogicalOr AddLogistic AddMaxPool2D AddMaximum AddMean AddMinimum AddMirrorPad
    AddMul AddNeg AddNotEqual AddOverlapAdd AddPCAN AddPack AddPad AddPadV2 AddPrelu AddQuantize AddReadVariable
    AddReduceAll AddReduceMax AddReduceMin AddRelu AddRelu6 AddReshape AddResizeBilinear AddResizeNearestNeighbor
    AddReverseV2 AddRfft AddRound AddRsqrt AddSelectV2 AddShape AddSin AddSlice AddSoftmax AddSpaceToBatchNd
    AddSpaceToDepth AddSplit AddSplitV AddSqrt AddSquare AddSquaredDifference AddSqueeze AddStacker AddStridedSlice
    AddSub AddSum AddSvdf AddTanh AddTranspose AddTransposeConv AddUnidirectionalSequenceLSTM AddUnpack AddVarHandle
    AddWhile AddWindow AddZerosLike
""".split())

_STUB_TOP = """#ifndef TFLM_RESOLVER_STUB_H_
#define TFLM_RESOLVER_STUB_H_
#include <string.h>
typedef enum { kTfLiteOk = 0, kTfLiteError = 1 } TfLiteStatus;
namespace tflite {
template <unsigned int tOpCount>
class MicroMutableOpResolver {
 public:
  MicroMutableOpResolver() : registrations_len_(0) {}
  unsigned int GetRegistrationLength() { return registrations_len_; }
"""
_STUB_BOTTOM = """ private:
  TfLiteStatus Register(const char *op) {
    for (unsigned int i = 0; i < registrations_len_; ++i) {
      if (strcmp(names_[i], op) == 0) return kTfLiteError;
    }
    if (registrations_len_ >= tOpCount) return kTfLiteError;
    names_[registrations_len_++] = op;
    return kTfLiteOk;
  }
  const char *names_[tOpCount];
  unsigned int registrations_len_;
};
}  // namespace tflite
#endif
"""


def stub_header() -> str:
    """The stub's C++ header text (include it where micro_mutable_op_resolver.h would be)."""
    methods = "".join(f'  TfLiteStatus {name}() {{ return Register("{name}"); }}\n' for name in TFLM_ADD_METHODS)
    return _STUB_TOP + methods + _STUB_BOTTOM
