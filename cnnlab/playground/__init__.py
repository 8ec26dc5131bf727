"""The reader's own input, computed in the page (no kernel, no server).

* :class:`DigitPad` (chapter 5): draw a digit; the trained LeNet-5 reads it
  layer by layer in the browser (``static/lenet.js``).
* :class:`FilterPad` (chapter 2): type a 3×3 filter, pick an image, see the
  feature map and the sum behind one output cell.

Both render one HTML view with its script, shown on the website and as a cell
output in Jupyter alike.
"""
