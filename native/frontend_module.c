/*
 * workbench._frontend: a tiny private module around kws_frontend. Built against the stable ABI
 * (Py_LIMITED_API 3.11): buffers in, buffers out, the GIL released while samples are processed.
 * The typed facade with the one-shot and streaming APIs is workbench/core/frontend.py.
 */
#include <Python.h>

#include <string.h>

#include "kws_frontend.h"

/* What feed, reset, ... and a re-init say while another thread is inside feed (the GIL released). */
#define BUSY_MESSAGE "Frontend is being used by another thread"

typedef struct {
    PyObject_HEAD
    kws_frontend fe;
    int ready;
    int busy;
} FrontendObject;

static int buffer_is(const Py_buffer *view, char code)
{
    if (view->itemsize != 2 || view->format == NULL) {
        return 0;
    }
    size_t len = strlen(view->format);
    if (len == 0 || view->format[len - 1] != code) {
        return 0;
    }
    /* allow native or explicit little-endian/native prefixes only */
    if (len == 2 && view->format[0] != '<' && view->format[0] != '=' && view->format[0] != '@') {
        return 0;
    }
    return len <= 2;
}

static int Frontend_init(PyObject *self_obj, PyObject *args, PyObject *kwargs)
{
    FrontendObject *self = (FrontendObject *)self_obj;
    static char *kwlist[] = {
        "sample_rate_hz", "window_size_ms", "window_step_ms", "fft_length", "n_channels",
        "lower_band_limit", "upper_band_limit",
        "noise_reduction_enable", "smoothing_bits", "even_smoothing", "odd_smoothing",
        "min_signal_remaining",
        "pcan_enable", "pcan_strength", "pcan_offset", "pcan_gain_bits",
        "log_scale_enable", "log_scale_shift",
        "activity_enable", "activity_alpha_a", "activity_alpha_b", "activity_arm_threshold",
        "activity_trip_threshold",
        "dc_notch_enable", "dc_notch_coefficient", NULL};
    kws_frontend_config c;
    memset(&c, 0, sizeof c);
    double lower, upper, even, odd, min_rem, strength, offset, aa, ab, arm, trip, dc;
    if (!PyArg_ParseTupleAndKeywords(
            args, kwargs, "$iiiiiddpiddd" "pddi" "pi" "pdddd" "pd", kwlist,
            &c.sample_rate_hz, &c.window_size_ms, &c.window_step_ms, &c.fft_length, &c.n_channels,
            &lower, &upper,
            &c.noise_reduction_enable, &c.smoothing_bits, &even, &odd, &min_rem,
            &c.pcan_enable, &strength, &offset, &c.pcan_gain_bits,
            &c.log_scale_enable, &c.log_scale_shift,
            &c.activity_enable, &aa, &ab, &arm, &trip,
            &c.dc_notch_enable, &dc)) {
        return -1;
    }
    /* The reference holds these settings in single precision. */
    c.lower_band_limit = (float)lower;
    c.upper_band_limit = (float)upper;
    c.even_smoothing = (float)even;
    c.odd_smoothing = (float)odd;
    c.min_signal_remaining = (float)min_rem;
    c.pcan_strength = (float)strength;
    c.pcan_offset = (float)offset;
    c.activity_alpha_a = (float)aa;
    c.activity_alpha_b = (float)ab;
    c.activity_arm_threshold = (float)arm;
    c.activity_trip_threshold = (float)trip;
    c.dc_notch_coefficient = (float)dc;

    /* Checked after parsing (which may run Python code, letting a feed start) and with no Python code
     * between here and the free: a re-init while another thread is inside feed would free its buffers. */
    if (self->busy) {
        PyErr_SetString(PyExc_RuntimeError, BUSY_MESSAGE);
        return -1;
    }
    if (self->ready) {
        kws_frontend_free(&self->fe);
        self->ready = 0;
    }
    char err[256] = "";
    if (kws_frontend_init(&self->fe, &c, err, sizeof err) != 0) {
        PyErr_SetString(PyExc_ValueError, err[0] ? err : "invalid frontend settings");
        return -1;
    }
    self->ready = 1;
    return 0;
}

static void Frontend_dealloc(PyObject *self_obj)
{
    FrontendObject *self = (FrontendObject *)self_obj;
    if (self->ready) {
        kws_frontend_free(&self->fe);
    }
    PyTypeObject *tp = Py_TYPE(self_obj);
    freefunc tp_free = (freefunc)PyType_GetSlot(tp, Py_tp_free);
    tp_free(self_obj);
    Py_DECREF(tp);
}

static int check_usable(FrontendObject *self)
{
    if (!self->ready) {
        PyErr_SetString(PyExc_RuntimeError, "Frontend is not initialised");
        return 0;
    }
    if (self->busy) {
        PyErr_SetString(PyExc_RuntimeError, BUSY_MESSAGE);
        return 0;
    }
    return 1;
}

/* feed(samples: int16 buffer, out: writable uint16 buffer) -> (frames_written, samples_consumed) */
static PyObject *Frontend_feed(PyObject *self_obj, PyObject *args)
{
    FrontendObject *self = (FrontendObject *)self_obj;
    PyObject *samples_obj, *out_obj;
    if (!PyArg_ParseTuple(args, "OO", &samples_obj, &out_obj)) {
        return NULL;
    }
    if (!check_usable(self)) {
        return NULL;
    }
    Py_buffer in, out;
    if (PyObject_GetBuffer(samples_obj, &in, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) != 0) {
        return NULL;
    }
    if (PyObject_GetBuffer(out_obj, &out, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | PyBUF_WRITABLE) != 0) {
        PyBuffer_Release(&in);
        return NULL;
    }
    PyObject *result = NULL;
    const size_t n_ch = (size_t)self->fe.cfg.n_channels;
    if (!buffer_is(&in, 'h')) {
        PyErr_SetString(PyExc_TypeError, "samples must be a contiguous int16 buffer");
    } else if (!buffer_is(&out, 'H')) {
        PyErr_SetString(PyExc_TypeError, "out must be a contiguous, writable uint16 buffer");
    } else if ((size_t)(out.len / 2) % n_ch != 0) {
        PyErr_SetString(PyExc_ValueError, "out must hold a whole number of frames");
    } else {
        size_t consumed = 0, frames = 0;
        const size_t n = (size_t)(in.len / 2);
        const size_t max_frames = (size_t)(out.len / 2) / n_ch;
        self->busy = 1;
        Py_BEGIN_ALLOW_THREADS
        frames = kws_frontend_feed(&self->fe, (const int16_t *)in.buf, n, (uint16_t *)out.buf,
                                   max_frames, &consumed);
        Py_END_ALLOW_THREADS
        self->busy = 0;
        result = Py_BuildValue("(nn)", (Py_ssize_t)frames, (Py_ssize_t)consumed);
    }
    PyBuffer_Release(&in);
    PyBuffer_Release(&out);
    return result;
}

static PyObject *Frontend_reset(PyObject *self_obj, PyObject *unused)
{
    FrontendObject *self = (FrontendObject *)self_obj;
    if (!check_usable(self)) {
        return NULL;
    }
    kws_frontend_reset(&self->fe);
    Py_RETURN_NONE;
}

static PyObject *Frontend_samples_to_next_frame(PyObject *self_obj, PyObject *unused)
{
    FrontendObject *self = (FrontendObject *)self_obj;
    if (!check_usable(self)) {
        return NULL;
    }
    return PyLong_FromLong(kws_frontend_samples_to_next_frame(&self->fe));
}

static PyObject *Frontend_take_activity(PyObject *self_obj, PyObject *unused)
{
    FrontendObject *self = (FrontendObject *)self_obj;
    if (!check_usable(self)) {
        return NULL;
    }
    return PyBool_FromLong(kws_frontend_take_activity(&self->fe));
}

static PyObject *Frontend_geometry(PyObject *self_obj, PyObject *unused)
{
    FrontendObject *self = (FrontendObject *)self_obj;
    if (!self->ready) {
        PyErr_SetString(PyExc_RuntimeError, "Frontend is not initialised");
        return NULL;
    }
    return Py_BuildValue("{s:i,s:i,s:n,s:i,s:i,s:i}",
                         "window_samples", self->fe.win_size,
                         "step_samples", self->fe.win_step,
                         "fft_length", (Py_ssize_t)self->fe.fft.n_real,
                         "n_channels", self->fe.cfg.n_channels,
                         "first_bin", self->fe.fb_start,
                         "end_bin", self->fe.fb_end);
}

static PyMethodDef Frontend_methods[] = {
    {"feed", Frontend_feed, METH_VARARGS,
     "feed(samples, out) -> (frames, consumed): process int16 samples into uint16 frames."},
    {"reset", Frontend_reset, METH_NOARGS, "Clear all streaming state."},
    {"samples_to_next_frame", Frontend_samples_to_next_frame, METH_NOARGS,
     "Samples still needed before the next frame."},
    {"take_activity", Frontend_take_activity, METH_NOARGS,
     "True if activity detection tripped since the last call."},
    {"geometry", Frontend_geometry, METH_NOARGS, "Window, step, FFT and filterbank sizes."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot Frontend_slots[] = {
    {Py_tp_init, Frontend_init},
    {Py_tp_dealloc, Frontend_dealloc},
    {Py_tp_methods, Frontend_methods},
    {Py_tp_new, PyType_GenericNew},
    {Py_tp_doc, "Native TFLite-Micro/MLTK audio frontend state (use workbench.core.frontend)."},
    {0, NULL},
};

static PyType_Spec Frontend_spec = {
    "workbench._frontend.Frontend",
    sizeof(FrontendObject),
    0,
    Py_TPFLAGS_DEFAULT,
    Frontend_slots,
};

static int module_exec(PyObject *module)
{
    PyObject *type = PyType_FromSpec(&Frontend_spec);
    if (type == NULL) {
        return -1;
    }
    if (PyModule_AddObject(module, "Frontend", type) != 0) {
        Py_DECREF(type);
        return -1;
    }
    return 0;
}

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, module_exec},
    {0, NULL},
};

static struct PyModuleDef frontend_module = {
    PyModuleDef_HEAD_INIT,
    "_frontend",
    "Private native audio frontend of KWS Workbench.",
    0,
    NULL,
    module_slots,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC PyInit__frontend(void)
{
    return PyModuleDef_Init(&frontend_module);
}
