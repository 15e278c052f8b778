ID = "gradcheck"
TITLE = "Debugging (1/3): write gradcheck, finite differences and a relative error"
HINTS = (
    "numerical_gradient: loop over every index of x (np.ndindex(x.shape)); save x[i], set "
    "it to x[i] + h and evaluate f, then x[i] - h, then put the saved value back; the "
    "derivative is (f_plus - f_minus) / (2 * h).",
    "relative_error: an absolute error means nothing alone (1e-6 is huge for a gradient of "
    "size 1e-7 and noise for one of size 1e6): divide ||a - b|| by ||a|| + ||b||, and "
    "return 0.0 when both are zero.",
    "gradcheck: compare the analytic gradient with numerical_gradient(f, x, h) and return "
    "True when the relative error is BELOW the threshold you were given.",
)
