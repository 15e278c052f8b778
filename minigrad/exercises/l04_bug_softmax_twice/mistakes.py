"""Realistic wrong answers to bug-softmax-twice, each with the words its diagnostic must
contain."""

from ..exercise import mistake, unfixed

as_given = unfixed("softmax is applied twice")  # the model still ends in nn.Softmax


@mistake("predict_proba", hint="probabilities")
def logits_returned_as_probabilities(model, x):
    return model(x)
